#!/bin/sh
# memgap-collect.sh: gather a memgap diagnostic bundle on a Linux box, and optionally upload it.
#
# POSIX sh: runs under busybox ash, dash and bash, with procps or busybox tools. Every source is
# optional: what is missing or not permitted is written to collect.log (inside the bundle) and
# summed up in manifest.json's notes; the run goes on. Every command is time-bounded (with
# `timeout` when there is one) and every text file is capped in size.
#
# Layout of the bundle (<out>.tar.gz):
#   manifest.json                host, role, collectedAt, kernel, notes, collector
#   collect.log                  what ran, what was missing
#   proc/meminfo proc/vmstat proc/buddyinfo proc/slabinfo (if readable)
#   ps.txt                       ps -ww -eo pid,ppid,rss,vsz,comm,args --sort=-rss (procps), else busybox ps
#   ps-status.txt                only when ps shows no exact RSS: PID PPID RSS VSZ from /proc/*/status
#   Detailed processes: those chosen with --pid/--process, then the top N by anonymous memory
#   (RssAnon), never this script's own process tree. For each:
#   pmap/<pid>.txt               pmap -x
#   proc/<pid>/smaps_rollup status maps   (smaps when the kernel has no smaps_rollup)
#   proc/<pid>/cmdline.txt       the command line, one argument a line (/proc/<pid>/cmdline, NUL -> newline)
#   proc/<pid>/threads.txt       header "TID NAME", then one thread a line (/proc/<pid>/task/*/comm)
#   proc/<pid>/fd.txt            header "FD TARGET", then "cwd <path>", "exe <path>" and one open
#                                file a line (/proc/<pid>/fd link targets: paths, socket:[inode],
#                                pipe:[inode]), at most 1000
#   dmesg.txt                    if permitted
#   config/<path on the box>     configs of queue clients, whole (up to 1 MiB): rsyslog.conf and
#                                rsyslog.d, mosquitto.conf, fluent-bit, filebeat, vector, logstash;
#                                librdkafka configs (naming bootstrap.servers) under
#                                --kafka-config-dir; and the configs a detailed process holds open
#                                or has in its working folder (*.properties, *.conf, *.yaml, ...)
#   stats/<path on the box>      client statistics found the same ways: librdkafka statistics JSON
#                                (the last JSON line of a file of lines), rsyslog impstats output
#                                (its last 1 MiB); also the files the copied configs name
#   logs/<path on the box>       the last 1 MiB of the logs a detailed process holds open or has in
#                                its working folder (*.log), of the files the configs name, and of
#                                /var/log/syslog, /var/log/messages, mosquitto's and fluent-bit's logs
#   http/fluent-bit-<port>-storage.json, -metrics.json   a local Fluent Bit's /api/v1/storage and
#                                /api/v1/metrics, when a copied config turns its HTTP server on
#   dumps/<pid>-<start>-<end>.bin  with --dumps N: the N largest dirty anonymous regions of the
#                                first chosen process, else of the one with the most anonymous
#                                memory (gdb dump memory, else /proc/<pid>/mem), each capped
# Masked before anything is written (mask_file): ps.txt, pmap, cmdline.txt, fd.txt, dmesg.txt,
# config/, stats/, logs/. Dumps are raw memory: never masked.
#
# Exit codes: 0 done, 1 the bundle could not be written, 2 usage error, 4 upload failed (the
# bundle is kept and its path printed).

VERSION=0.1.0
PROG=memgap-collect.sh

usage() {
	cat <<'EOF'
Usage: memgap-collect.sh [options]

Gathers what memgap needs to explain where memory went into <out>.tar.gz, and uploads it when
given --url. Nothing leaves the box unless --url is given.

What a bundle contains:
  - system memory: /proc/meminfo, vmstat, slabinfo, buddyinfo; dmesg (kernel messages)
  - every process: ps (pid, RSS, VSZ, full command line)
  - for the chosen processes and the top N by anonymous memory: pmap -x, smaps_rollup, status,
    maps, the command line, thread names, and the paths of the files and sockets they hold open
  - config files of queue clients (rsyslog, mosquitto, fluent-bit, filebeat, vector, logstash,
    librdkafka .properties), and the configs next to those processes
  - the newest 1 MiB of their logs and statistics files, and of /var/log/syslog or messages
  - a local Fluent Bit's /api/v1/storage answer, when its config turns the HTTP server on
  - with --dumps only: raw copies of process memory, which hold whatever the process holds
    (messages, customer data, keys): they are NOT masked
What it does NOT collect: environment variables, files outside the places above, other
processes' memory, network captures, shell history, private keys (*.pem and *.key files are not copied).
What it masks, in every text file it writes (command lines, ps, pmap, configs, logs, stats):
  URL credentials (scheme://user:<masked>@), Authorization values (Bearer/Basic/...),
  options naming a secret and their value (--db-password X, --token=X), and values of keys
  named like password, passwd, passphrase, secret, token, key, credential, jaas or pwd
  (key=X, key: X, "key": "X", and "key X" lines in configs). Masked values read <masked>.

Options:
  --out PATH             bundle path without .tar.gz (default: $TMPDIR or /tmp,
                         memgap-<host>-<UTC time>); PATH must not exist yet
  --role baseline|suspect
  --host NAME            host name for the manifest (default: uname -n)
  --notes TEXT           free text for the manifest
  --top N                processes to detail, by anonymous memory (default 10)
  --pid N                detail process N (and dump it with --dumps); repeatable
  --process NAME         detail the processes named NAME: their own name, program, or the
                         script an interpreter runs (pub.py or pub); repeatable
  --kafka-config-dir DIR where to look for librdkafka configs; repeatable
                         (default: /etc and /opt)
  --dumps N              dump the N largest dirty anonymous regions of the first chosen
                         process, else of the one with the most anonymous memory
                         (default 0: none). gdb stops the process while it dumps.
  --dump-max-mb MB       cap of each dump (default 64)
  --timeout SEC          time limit of each command (default 20; dumps get 5x)
  --url URL              upload the bundle to URL/v1/bundles (curl, else wget) and print
                         the answer
  --token TOKEN          sent as Authorization: Bearer TOKEN (default: $MEMGAP_TOKEN)
  --keep                 keep the bundle folder beside the archive
  --help, --version

Exit codes: 0 done, 1 the bundle could not be written, 2 usage error,
4 upload failed (the bundle is kept, its path printed).
EOF
}

die_usage() {
	printf '%s: %s\n' "$PROG" "$1" >&2
	printf "Try '%s --help'.\n" "$PROG" >&2
	exit 2
}

die() {
	printf '%s: %s\n' "$PROG" "$1" >&2
	exit 1
}

is_count() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	*) return 0 ;;
	esac
}

# ---- options ----------------------------------------------------------------------------------

OUT=
ROLE=
HOST=
NOTES=
TOP=10
CONFIG_DIRS=
DUMPS=0
DUMP_MAX_MB=64
TIMEOUT=20
URL=
TOKEN=${MEMGAP_TOKEN:-}
KEEP=0
WANT_NAMES=
WANT_PIDS=
NL='
'

while [ $# -gt 0 ]; do
	opt=$1
	case $opt in
	--*=*)
		value=${opt#*=}
		opt=${opt%%=*}
		has_value=1
		;;
	*)
		value=${2-}
		has_value=0
		;;
	esac
	case $opt in
	--help | -h)
		usage
		exit 0
		;;
	--version)
		printf '%s %s\n' "$PROG" "$VERSION"
		exit 0
		;;
	--keep)
		KEEP=1
		shift
		continue
		;;
	--out | --role | --host | --notes | --top | --kafka-config-dir | --dumps | --dump-max-mb | --timeout | --url | --token | --process | --pid)
		if [ "$has_value" = 0 ]; then
			[ $# -ge 2 ] || die_usage "$opt needs a value"
			shift
		fi
		shift
		;;
	*)
		die_usage "unknown option: $opt"
		;;
	esac
	case $opt in
	--out) OUT=$value ;;
	--role) ROLE=$value ;;
	--host) HOST=$value ;;
	--notes) NOTES=$value ;;
	--top) TOP=$value ;;
	--kafka-config-dir) CONFIG_DIRS="$CONFIG_DIRS$value$NL" ;;
	--dumps) DUMPS=$value ;;
	--dump-max-mb) DUMP_MAX_MB=$value ;;
	--timeout) TIMEOUT=$value ;;
	--url) URL=$value ;;
	--token) TOKEN=$value ;;
	--process) WANT_NAMES="$WANT_NAMES$value$NL" ;;
	--pid) WANT_PIDS="$WANT_PIDS$value$NL" ;;
	esac
done

case $ROLE in
'' | baseline | suspect) ;;
*) die_usage "--role must be baseline or suspect, not '$ROLE'" ;;
esac
is_count "$TOP" && [ "$TOP" -ge 1 ] || die_usage "--top must be a whole number of 1 or more"
is_count "$DUMPS" || die_usage "--dumps must be a whole number"
is_count "$DUMP_MAX_MB" && [ "$DUMP_MAX_MB" -ge 1 ] || die_usage "--dump-max-mb must be a whole number of 1 or more"
is_count "$TIMEOUT" && [ "$TIMEOUT" -ge 1 ] || die_usage "--timeout must be a whole number of seconds"
for pid in $WANT_PIDS; do
	is_count "$pid" && [ "$pid" -ge 1 ] || die_usage "--pid must be a process id, not '$pid'"
done
case $NL$WANT_NAMES in
*/*) die_usage "--process takes a program name, not a path" ;;
*"$NL$NL"*) die_usage "--process needs a name" ;;
esac
case $URL in
'' | http://* | https://*) ;;
*) die_usage "--url must start with http:// or https://" ;;
esac
[ -n "$CONFIG_DIRS" ] || CONFIG_DIRS="/etc$NL/opt$NL"

[ -n "$HOST" ] || HOST=$(uname -n 2>/dev/null) || HOST=
[ -n "$HOST" ] || HOST=$(cat /proc/sys/kernel/hostname 2>/dev/null) || HOST=unknown
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
if [ -z "$OUT" ]; then
	safe_host=$(printf '%s' "$HOST" | tr -c 'A-Za-z0-9._-' '_')
	OUT="${TMPDIR:-/tmp}/memgap-$safe_host-$STAMP"
fi
OUT=${OUT%.tar.gz}
case $OUT in
/*) ;;
*) OUT=$(pwd)/$OUT ;; # the path printed at the end works from anywhere
esac
STAGE=$OUT
ARCHIVE=$OUT.tar.gz
[ -e "$STAGE" ] && die "$STAGE exists already: choose another --out"
[ -e "$ARCHIVE" ] && die "$ARCHIVE exists already: choose another --out"
mkdir -p "$STAGE" || die "cannot create $STAGE"

umask 077 # dumps and configs may hold secrets
LOG=$STAGE/collect.log
MISSING=
MAX_TEXT=$((8 * 1024 * 1024)) # bytes of any one text file

log() {
	printf '%s\n' "$*" >>"$LOG"
}

# Something the bundle will not have: in collect.log, and in the manifest's notes.
missing() {
	log "missing: $*"
	MISSING="${MISSING:+$MISSING; }$*"
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# timeout(1): coreutils and busybox >= 1.30 take `timeout SECS`, older busybox `timeout -t SECS`.
if have timeout && timeout 5 true >/dev/null 2>&1; then
	TIMEOUT_CMD=timeout
elif have timeout && timeout -t 5 true >/dev/null 2>&1; then
	TIMEOUT_CMD='timeout -t'
else
	TIMEOUT_CMD=
fi

# bounded SECS CMD...: run CMD, killed after SECS when timeout(1) exists.
bounded() {
	secs=$1
	shift
	if [ -n "$TIMEOUT_CMD" ]; then
		$TIMEOUT_CMD "$secs" "$@"
	else
		"$@"
	fi
}

# Cut a file to MAX_TEXT bytes, saying so.
cap_file() {
	size=$(wc -c <"$1" 2>/dev/null | tr -d ' ')
	if [ -n "$size" ] && [ "$size" -gt "$MAX_TEXT" ]; then
		head -c "$MAX_TEXT" "$1" >"$1.cut" && mv "$1.cut" "$1"
		log "capped: ${1#"$STAGE"/} at $MAX_TEXT of $size bytes"
	fi
}

# capture NAME CMD...: the output of CMD as bundle file NAME. Fails (and removes NAME) when CMD
# fails or prints nothing; its stderr goes to collect.log.
capture() {
	name=$1
	shift
	dest=$STAGE/$name
	mkdir -p "$(dirname "$dest")"
	case $(command -v "$1") in
	/*) bounded "$TIMEOUT" "$@" >"$dest" 2>"$STAGE/.stderr" ;;
	*) "$@" >"$dest" 2>"$STAGE/.stderr" ;; # a function of this script: timeout(1) cannot run it
	esac
	status=$?
	if [ -s "$STAGE/.stderr" ]; then
		log "$name: $* said: $(head -c 400 "$STAGE/.stderr" | tr '\n' ' ')"
	fi
	rm -f "$STAGE/.stderr"
	if [ "$status" -ne 0 ] || [ ! -s "$dest" ]; then
		rm -f "$dest"
		[ "$status" -eq 124 ] && log "$name: timed out after ${TIMEOUT}s"
		return 1
	fi
	cap_file "$dest"
	log "$name: ok ($*)"
	return 0
}

# copy_proc SRC NAME: a /proc file into the bundle.
copy_proc() {
	[ -r "$1" ] || return 1
	capture "$2" cat "$1"
}

# JSON string (quotes included): backslash, quote and control characters escaped, lines
# joined with \n.
json_str() {
	printf '%s' "$1" |
		tr -d '\000-\010\013\014\016-\037' |
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e "s/$(printf '\t')/\\\\t/g" -e "s/$(printf '\r')/\\\\r/g" |
		awk 'BEGIN { printf "%s", "\"" } NR > 1 { printf "%s", "\\n" } { printf "%s", $0 } END { printf "%s", "\"" }'
}

# ---- masking ---------------------------------------------------------------------------------

# Secrets are masked on the box, before the bundle exists: command lines, configs, logs and
# statistics go through mask_file. Lowercased copies are matched, the original is cut at the same
# offsets (tolower keeps lengths), so the kept text keeps its case. Masked values become
# <masked>, which no rule matches again. Rules, in order:
#   scheme://user:PASS@            URL credentials (the user is kept)
#   Authorization: [Bearer] VALUE  HTTP authorization values, in headers and curl arguments
#   --db-password VALUE            an option naming a secret, its value the next argument
#   name=VALUE, name: VALUE        a key naming password/passwd/passphrase/secret/token/key/
#                                  credential/jaas/pwd, "quoted" or not
#   name VALUE                     the same as a whole config line (mosquitto, fluent-bit style)
# Mode cmdline: one argument a line (so "--db-password\nVALUE" masks the next line);
# mode conf: also the whole-line rule.
MASK_AWK=$(
	cat <<'EOF'
function cut(s, re, pre, tail,    out, m) {
	out = ""
	while (match(tolower(s), re)) {
		m = substr(s, RSTART, RLENGTH)
		out = out substr(s, 1, RSTART - 1)
		s = substr(s, RSTART + RLENGTH)
		match(tolower(m), pre)
		out = out substr(m, 1, RLENGTH) "<masked>" tail
	}
	return out s
}
BEGIN {
	W = "(pass(word|wd|phrase)|secret|token|credential|jaas|key|pwd)"
	N = "[a-z0-9_.-]*"
	V = "[^ \t\"',;&<>]+"
	URL = "[a-z][a-z0-9+.-]*://[^/@ \t:\"']*:"
	AUTH = "authorization[\"']?[ \t]*[:=][ \t]*((bearer|basic|token|digest|negotiate|apikey|key)[ \t]+)?"
	OPT = "--?" N W N "[ \t]+"
	KV = N W N "[\"']?[ \t]*[=:][ \t]*[\"']?"
	LINE = "^[ \t]*" N W N "[ \t]+"
}
{
	line = $0
	if (mode == "cmdline" && next_secret && line !~ /^-/ && line != "") {
		print "<masked>"
		next_secret = 0
		next
	}
	if (mode == "cmdline") next_secret = (tolower(line) ~ ("^--?" N W N "$"))
	line = cut(line, URL "[^/@ \t\"']*@", "^" URL, "@")
	line = cut(line, AUTH V, "^" AUTH, "")
	line = cut(line, "(^|[ \t])" OPT "[^- \t<][^ \t]*", "^[ \t]*" OPT, "")
	line = cut(line, KV V, "^" KV, "")
	if (mode == "conf" && line !~ /^[ \t]*[#;!]/) line = cut(line, LINE "[^ \t#=:<].*", LINE, "")
	print line
}
EOF
)

# mask_file FILE [cmdline|conf|text]: FILE with its secrets masked, in place.
mask_file() {
	awk -v mode="${2:-text}" "$MASK_AWK" "$1" >"$1.masked" && mv "$1.masked" "$1" || {
		rm -f "$1" "$1.masked"
		log "${1#"$STAGE"/}: masking failed, file left out"
		return 1
	}
}

log "$PROG $VERSION, started $(date -u +%Y-%m-%dT%H:%M:%SZ) on $HOST as uid $(id -u 2>/dev/null)"
log "shell: $(readlink /proc/$$/exe 2>/dev/null || echo unknown); timeout: ${TIMEOUT_CMD:-none}"

# ---- system-wide sources -----------------------------------------------------------------------

copy_proc /proc/meminfo proc/meminfo || missing "/proc/meminfo unreadable"
copy_proc /proc/vmstat proc/vmstat || missing "/proc/vmstat unreadable"
copy_proc /proc/buddyinfo proc/buddyinfo || missing "/proc/buddyinfo unreadable"
copy_proc /proc/slabinfo proc/slabinfo || missing "/proc/slabinfo unreadable (needs root)"

if have dmesg; then
	capture dmesg.txt dmesg && mask_file "$STAGE/dmesg.txt" || missing "dmesg not permitted or empty"
else
	missing "no dmesg command"
fi

# ---- processes ---------------------------------------------------------------------------------

PS_RSS=0
if have ps; then
	if capture ps.txt ps -ww -eo pid,ppid,rss,vsz,comm,args --sort=-rss && head -n 1 "$STAGE/ps.txt" | grep -q RSS; then
		PS_RSS=1
	elif capture ps.txt ps -o pid,ppid,rss,vsz,comm,args; then
		log "ps.txt: busybox ps -o: RSS rounded to MiB above 9999 KiB"
		missing "procps ps absent: busybox ps (RSS rounded); exact RSS in ps-status.txt"
	elif capture ps.txt ps; then
		missing "procps ps absent: busybox ps without RSS; RSS in ps-status.txt"
	else
		missing "ps failed"
	fi
else
	missing "no ps command; RSS in ps-status.txt"
fi

[ -s "$STAGE/ps.txt" ] && mask_file "$STAGE/ps.txt"

# All processes from the kernel: PID NAME RSS PPID VSZ ANON, one a line, most anonymous memory
# first (RssAnon; kernels before 4.5 have none: VmRSS then). Anonymous memory is what a queue or
# a leak grows: a big RSS of mapped files or a big VSZ of reserved space is not. status files
# name each field on its own line; cat goes on past processes that exit.
process_table() {
	cat /proc/[0-9]*/status 2>/dev/null | awk '
		function flush() { if (pid != "" && rss != "") print pid, name, rss, ppid, vsz, (anon == "" ? rss : anon) }
		/^Name:/ { flush(); name = $2; pid = ""; ppid = 0; rss = ""; vsz = 0; anon = "" }
		/^Pid:/ { pid = $2 }
		/^PPid:/ { ppid = $2 }
		/^VmSize:/ { vsz = $2 }
		/^VmRSS:/ { rss = $2 }
		/^RssAnon:/ { anon = $2 }
		END { flush() }
	' | sort -k6,6nr
}

# The table without this script's own process tree: its shell, and every process under it (the
# subshells, cat, awk and ps it runs). By ancestry, not by name: a memgap server or another copy of
# this script on the box is a process like any other.
not_mine() {
	awk -v self="$$" '
		{ parent[$1] = $4; row[NR] = $0; id[NR] = $1 }
		END {
			for (i = 1; i <= NR; i++) {
				p = id[i]
				for (hops = 0; p != "" && p != 0 && p != self && hops < 256; hops++) p = parent[p]
				if (p != self) print row[i]
			}
		}'
}
TABLE=$(process_table | not_mine)

if [ "$PS_RSS" = 0 ] && [ -n "$TABLE" ]; then
	{
		printf '%7s %7s %8s %8s %s\n' PID PPID RSS VSZ COMMAND
		printf '%s\n' "$TABLE" | awk '{ printf "%7s %7s %8s %8s %s\n", $1, $4, $3, $5, $2 }'
	} >"$STAGE/ps-status.txt"
	log "ps-status.txt: written from /proc/*/status (VmRSS, VmSize)"
fi

# is_program PID NAME: NAME is the process's own name (comm), its program (argv[0]'s last part),
# or the script an interpreter runs (the first argument that is no option, with or without its
# extension): `python3 /opt/pub.py` is pub.py and pub.
is_program() {
	comm=$(cat "/proc/$1/comm" 2>/dev/null)
	[ "$comm" = "$2" ] && return 0
	{ tr '\000' '\n' <"/proc/$1/cmdline"; } 2>/dev/null | awk -v want="$2" '
		function base(s) { sub(/.*\//, "", s); return s }
		function stem(s) { s = base(s); sub(/\.[^.]*$/, "", s); return s }
		NR == 1 { if (base($0) == want) found = 1; next }
		/^-/ { next }
		{ if (base($0) == want || stem($0) == want) found = 1; exit }
		END { exit !found }'
}

# Chosen with --pid and --process, in the table's order (most anonymous memory first).
CHOSEN=
for pid in $WANT_PIDS; do
	if printf '%s\n' "$TABLE" | awk -v p="$pid" '$1 == p { found = 1 } END { exit !found }'; then
		CHOSEN="$CHOSEN$pid$NL"
	else
		missing "--pid $pid: no such process (or it is this collector's own)"
	fi
done
if [ -n "$WANT_NAMES" ]; then
	while IFS= read -r name; do
		[ -n "$name" ] || continue
		found=0
		for pid in $(printf '%s\n' "$TABLE" | awk '{ print $1 }'); do
			is_program "$pid" "$name" || continue
			found=1
			case $NL$CHOSEN in *"$NL$pid$NL"*) ;; *) CHOSEN="$CHOSEN$pid$NL" ;; esac
		done
		[ "$found" = 1 ] || missing "--process $name: no such process"
	done <<NAMES
$WANT_NAMES
NAMES
fi
if [ -n "$CHOSEN" ]; then
	CHOSEN=$(printf '%s\n' "$TABLE" | awk -v chosen="$(printf '%s' "$CHOSEN" | tr '\n' ' ')" '
		BEGIN { n = split(chosen, list, " "); for (i = 1; i <= n; i++) want[list[i]] = 1 }
		$1 in want { print $1 }')$NL
fi
[ -n "$WANT_PIDS$WANT_NAMES" ] && log "chosen processes: $(printf '%s' "$CHOSEN" | tr '\n' ' ')"

# The processes to detail: the chosen ones, then the top N by anonymous memory.
DETAIL_PIDS=$CHOSEN
count=0
for pid in $(printf '%s\n' "$TABLE" | awk '$6 > 0 { print $1 }'); do
	[ "$count" -lt "$TOP" ] || break
	[ -d "/proc/$pid" ] || continue
	count=$((count + 1))
	case $NL$DETAIL_PIDS in *"$NL$pid$NL"*) continue ;; esac
	DETAIL_PIDS="$DETAIL_PIDS$pid$NL"
done
[ -n "$DETAIL_PIDS" ] || missing "no process with an RSS found in /proc"
log "processes detailed (chosen, then by anonymous memory): $(printf '%s' "$DETAIL_PIDS" | tr '\n' ' ')"

HAVE_PMAP=0
if have pmap; then HAVE_PMAP=1; else missing "no pmap command: pmap -x skipped (smaps_rollup and maps kept)"; fi

MAX_LIST=1000 # lines of threads.txt and fd.txt: a server with 50k sockets is told by its first 1000

# threads PID: "TID NAME" a line. Thread names tell a runtime's clients apart (rdk:broker0,
# kafka-producer-network-thread, paho's loop thread); `read` is a builtin, so no fork a thread.
threads() {
	printf 'TID NAME\n'
	n=0
	for task in /proc/"$1"/task/[0-9]*; do
		[ "$n" -lt "$MAX_LIST" ] || break
		[ -r "$task/comm" ] && IFS= read -r tname <"$task/comm" || continue
		printf '%s %s\n' "${task##*/}" "$tname"
		n=$((n + 1))
	done
}

# open_files PID: "FD TARGET" a line, cwd and exe first: the files a process holds open (its
# logs, statistics, configs, sockets) and where it runs from.
open_files() {
	printf 'FD TARGET\n'
	for link in cwd exe; do
		target=$(readlink "/proc/$1/$link" 2>/dev/null) && printf '%s %s\n' "$link" "$target"
	done
	ls -l "/proc/$1/fd/" 2>/dev/null | awk -v max="$MAX_LIST" '
		/ -> / && n < max { i = index($0, " -> "); head = substr($0, 1, i - 1); sub(/.* /, "", head); print head, substr($0, i + 4); n++ }'
}

for pid in $DETAIL_PIDS; do
	[ -d "/proc/$pid" ] || {
		log "pid $pid: exited before it was read"
		continue
	}
	if [ "$HAVE_PMAP" = 1 ]; then
		capture "pmap/$pid.txt" pmap -x "$pid" && mask_file "$STAGE/pmap/$pid.txt" || log "pid $pid: pmap -x failed"
	fi
	if [ -r "/proc/$pid/smaps_rollup" ]; then
		copy_proc "/proc/$pid/smaps_rollup" "proc/$pid/smaps_rollup" || log "pid $pid: smaps_rollup unreadable"
	else
		copy_proc "/proc/$pid/smaps" "proc/$pid/smaps" || log "pid $pid: smaps unreadable"
	fi
	copy_proc "/proc/$pid/status" "proc/$pid/status" || log "pid $pid: status unreadable"
	copy_proc "/proc/$pid/maps" "proc/$pid/maps" || log "pid $pid: maps unreadable"
	if [ -r "/proc/$pid/cmdline" ] && capture "proc/$pid/cmdline.txt" tr '\000' '\n' <"/proc/$pid/cmdline"; then
		mask_file "$STAGE/proc/$pid/cmdline.txt" cmdline
	else
		log "pid $pid: cmdline empty or unreadable"
	fi
	capture "proc/$pid/threads.txt" threads "$pid" || log "pid $pid: threads unreadable"
	if capture "proc/$pid/fd.txt" open_files "$pid"; then
		mask_file "$STAGE/proc/$pid/fd.txt"
	else
		log "pid $pid: open files unreadable"
	fi
done

# ---- clients: configs, statistics, logs ---------------------------------------------------------

# Each copied file keeps its path on the box under its kind: config/etc/rsyslog.conf,
# stats/var/log/rsyslog-stats.log, logs/var/log/syslog. Configs are copied whole (up to
# MAX_CONFIG); statistics and logs keep their newest MAX_TAIL bytes (a librdkafka statistics file
# of JSON lines keeps its last line). All are masked.
MAX_CONFIG=$((1024 * 1024))
MAX_TAIL=$((1024 * 1024))
MAX_COPIES=60
COPIES=0
CANDIDATES=$STAGE/.candidates
: >"$CANDIDATES"

# Where the clients memgap knows keep their configs, and the logs their errors go to: an explicit
# list, grown with the clients the engine reads.
WELL_KNOWN_CONFIGS='/etc/rsyslog.conf /etc/rsyslog.d/*.conf /etc/mosquitto/mosquitto.conf /etc/mosquitto/conf.d/*.conf
/etc/fluent-bit/*.conf /etc/fluent-bit/*.yaml /etc/td-agent-bit/*.conf /etc/filebeat/filebeat.yml
/etc/vector/*.toml /etc/vector/*.yaml /etc/logstash/logstash.yml /etc/logstash/pipelines.yml'
WELL_KNOWN_LOGS='/var/log/syslog /var/log/messages /var/log/mosquitto/mosquitto.log /var/log/fluent-bit.log'

size_of() {
	ls -lnL "$1" 2>/dev/null | awk '{ print $5 }'
}

# kind_of PATH: config, stats, logs, or nothing. By content first (statistics look alike whatever
# their name), then by name.
kind_of() {
	head=$(head -c 4096 "$1" 2>/dev/null | tr -d '\000')
	# Text only: a NUL in the first 4 KiB is a database, a socket dump, a binary: not copied.
	[ "$(head -c 4096 "$1" 2>/dev/null | tr -d '\000' | wc -c)" -eq "$(head -c 4096 "$1" 2>/dev/null | wc -c)" ] || return 0
	case $head in
	*'"msg_cnt"'*) echo stats && return ;;             # librdkafka statistics JSON
	*rsyslogd-pstats* | *origin=core.*) echo stats && return ;; # rsyslog impstats lines
	esac
	case $1 in
	*.properties | *.conf | *.cfg | *.ini | *.yaml | *.yml | *.toml) echo config ;;
	*.log | *.log.[0-9] | /var/log/*) echo logs ;;
	*stat*.json | *stats*) echo stats ;;
	esac
}

# copy_client_file KIND SRC
copy_client_file() {
	src=$2
	dest=$STAGE/$1$src
	[ -e "$dest" ] && return 0
	[ -f "$src" ] && [ -r "$src" ] || return 1
	[ "$COPIES" -lt "$MAX_COPIES" ] || {
		log "$src: not copied, $MAX_COPIES client files already"
		return 1
	}
	size=$(size_of "$src")
	mkdir -p "${dest%/*}"
	mode=text
	kept=
	if [ "$1" = config ]; then
		mode=conf
		bounded "$TIMEOUT" head -c "$MAX_CONFIG" "$src" >"$dest" 2>/dev/null
	elif [ "$1" = stats ] && head -c 4096 "$src" | grep -q '^{.*"msg_cnt"'; then
		bounded "$TIMEOUT" tail -c "$MAX_TAIL" "$src" 2>/dev/null | grep '^{.*}[[:space:]]*$' | tail -n 1 >"$dest"
		kept=", its last JSON line"
		[ -s "$dest" ] || bounded "$TIMEOUT" head -c "$MAX_CONFIG" "$src" >"$dest" 2>/dev/null # one pretty-printed object
	else
		# The newest bytes, from the first whole line on.
		bounded "$TIMEOUT" tail -c "$MAX_TAIL" "$src" >"$dest" 2>/dev/null
		if [ -n "$size" ] && [ "$size" -gt "$MAX_TAIL" ]; then
			sed -i 1d "$dest" 2>/dev/null || { sed 1d "$dest" >"$dest.cut" && mv "$dest.cut" "$dest"; }
			kept=", its last $MAX_TAIL bytes"
		fi
	fi
	[ -s "$dest" ] || {
		rm -f "$dest"
		return 1
	}
	mask_file "$dest" "$mode" || return 1
	COPIES=$((COPIES + 1))
	log "$1$src: $size bytes$kept (masked)"
}

# 1. The well-known places.
for file in $WELL_KNOWN_CONFIGS; do
	[ -f "$file" ] && printf 'config %s\n' "$file"
done >>"$CANDIDATES"
for file in $WELL_KNOWN_LOGS; do
	[ -f "$file" ] && printf 'logs %s\n' "$file"
done >>"$CANDIDATES"

# 2. librdkafka configs (they name bootstrap.servers) under --kafka-config-dir.
printf '%s' "$CONFIG_DIRS" | while IFS= read -r dir; do
	[ -n "$dir" ] || continue
	if [ ! -d "$dir" ]; then
		log "config dir $dir: not a folder"
		continue
	fi
	bounded "$TIMEOUT" find "$dir" -xdev -maxdepth 5 -type f \( -name '*.properties' -o -name '*.conf' \) -size -1024k 2>/dev/null
done | head -n 2000 | while IFS= read -r file; do
	grep -q 'bootstrap\.servers' "$file" 2>/dev/null && printf 'config %s\n' "$file"
done | head -n 50 >>"$CANDIDATES"

# 3. Next to each detailed process: the files it holds open, and those in its working folder.
for pid in $DETAIL_PIDS; do
	fds=$STAGE/proc/$pid/fd.txt
	[ -s "$fds" ] || continue
	{
		awk 'NR > 1 && $1 != "exe" && $1 != "cwd" && $2 ~ /^\// && $2 !~ /^\/(proc|dev|sys)\// && $0 !~ / \(deleted\)$/ { print $2 }' "$fds"
		cwd=$(awk '$1 == "cwd" { print $2 }' "$fds")
		case $cwd in
		'' | / | /proc* | /sys* | /dev*) ;;
		*) bounded "$TIMEOUT" find "$cwd" -xdev -maxdepth 2 -type f -size -65536k 2>/dev/null | head -n 200 ;;
		esac
	} | while IFS= read -r file; do
		# Names first (no fork): only these are opened to be told apart.
		case $file in
		*.properties | *.conf | *.cfg | *.ini | *.yaml | *.yml | *.toml | *.log | *.log.[0-9] | /var/log/* | *stat* | *.json) ;;
		*) continue ;;
		esac
		kind=$(kind_of "$file")
		[ -n "$kind" ] && printf '%s %s\n' "$kind" "$file"
	done
done >>"$CANDIDATES"

while read -r kind file; do
	copy_client_file "$kind" "$file"
done <"$CANDIDATES"

# 4. Files the copied configs name: a log or statistics file (rsyslog impstats' log.file,
# mosquitto's log_dest file, fluent-bit's Log_File), by its path's words.
if [ -d "$STAGE/config" ]; then
	find "$STAGE/config" -type f -exec cat {} + 2>/dev/null | grep -v '^[[:space:]]*#' |
		grep -oE '/[A-Za-z0-9_./-]*(log|stat)[A-Za-z0-9_./-]*' | sort -u | head -n 20 |
		while IFS= read -r file; do
			[ -f "$file" ] || continue
			kind=$(kind_of "$file")
			[ -n "$kind" ] && [ "$kind" != config ] && printf '%s %s\n' "$kind" "$file"
		done >"$CANDIDATES"
	while read -r kind file; do
		copy_client_file "$kind" "$file"
	done <"$CANDIDATES"
fi
rm -f "$CANDIDATES"
log "client files copied: $COPIES"

# 5. A local Fluent Bit's storage and metrics, when a copied config turns its HTTP server on.
fetch_local() {
	if have curl; then
		bounded "$TIMEOUT" curl -sS --max-time 5 "$1"
	elif have wget; then
		bounded "$TIMEOUT" wget -q -T 5 -O - "$1"
	else
		return 1
	fi
}
if [ -d "$STAGE/config" ]; then
	find "$STAGE/config" -type f -exec grep -ilE '^[[:space:]]*http_server[[:space:]:]*(on|true|yes)' {} + 2>/dev/null |
		while IFS= read -r conf; do
			awk 'tolower($1) ~ /^http_port:?$/ { port = $2 } END { print port ? port : 2020 }' "$conf"
		done | sort -u | head -n 3 >"$CANDIDATES"
	while read -r port; do
		is_count "$port" || port=2020
		for api in storage metrics; do
			capture "http/fluent-bit-$port-$api.json" fetch_local "http://127.0.0.1:$port/api/v1/$api" ||
				log "fluent-bit on 127.0.0.1:$port: /api/v1/$api did not answer"
		done
	done <"$CANDIDATES"
	rm -f "$CANDIDATES"
fi

# ---- memory dumps ------------------------------------------------------------------------------

# The anonymous regions of PID with the most private dirty memory: "KIB START END", largest first.
dirty_anon_regions() {
	awk '
		/^[0-9a-f]+-[0-9a-f]+ / {
			split($1, range, "-")
			anon = (NF < 6 || $6 == "[heap]" || $6 ~ /^\[anon/)
			next
		}
		/^Private_Dirty:/ { if (anon && $2 > 0) print $2, range[1], range[2] }
	' "/proc/$1/smaps" 2>/dev/null | sort -k1,1nr
}

# gdb_dumps PID CMDS: run the `dump memory` lines of the file CMDS in one gdb session: one attach,
# one pause of the process, however many regions (a V8 heap is hundreds of 256 KiB pages). gdb
# stops at the first failing command: the regions it left are read from /proc/PID/mem after.
gdb_dumps() {
	bounded $((TIMEOUT * 5)) gdb -batch -nx -iex 'set auto-solib-add off' -iex 'set auto-load off' -p "$1" -x "$2" >>"$LOG" 2>&1
}

# mem_region PID START END FILE: the bytes START..END (hex, no 0x) of PID from /proc/PID/mem, at
# the region's offset: root (or ptrace rights) needed, no gdb.
mem_region() {
	page=4096
	bounded $((TIMEOUT * 5)) dd if="/proc/$1/mem" of="$4" bs=$page skip=$((0x$2 / page)) count=$(((0x$3 - 0x$2) / page)) 2>>"$LOG"
	[ -s "$4" ]
}

if [ "$DUMPS" -gt 0 ]; then
	dump_pid=$(printf '%s\n' "$DETAIL_PIDS" | head -n 1) # the first chosen, else the most anonymous memory
	cap=$((DUMP_MAX_MB * 1024 * 1024))
	if [ -z "$dump_pid" ]; then
		missing "dumps: no process to dump"
	elif [ ! -r "/proc/$dump_pid/smaps" ]; then
		missing "dumps: /proc/$dump_pid/smaps unreadable"
	else
		have gdb || log "dumps: no gdb, reading /proc/$dump_pid/mem"
		mkdir -p "$STAGE/dumps"
		dumped=0
		# "KIB START STOP", each region cut to the cap; smaps pads to 8 digits: names carry none.
		regions=$(dirty_anon_regions "$dump_pid" | head -n "$DUMPS" | while read -r kib start end; do
			stop=$end
			[ $((0x$end - 0x$start)) -le "$cap" ] || stop=$(printf '%x' $((0x$start + cap)))
			printf '%s %x %x\n' "$kib" $((0x$start)) $((0x$stop))
		done)
		[ -n "$regions" ] || missing "dumps: pid $dump_pid has no dirty anonymous region"
		if have gdb && [ -n "$regions" ]; then
			printf '%s\n' "$regions" | awk -v dir="$STAGE/dumps" -v pid="$dump_pid" \
				'{ printf "dump memory %s/%s-%s-%s.bin 0x%s 0x%s\n", dir, pid, $2, $3, $2, $3 }' >"$STAGE/.gdb"
			gdb_dumps "$dump_pid" "$STAGE/.gdb"
			rm -f "$STAGE/.gdb"
		fi
		# A here-document, not a pipe: the loop must not run in a subshell (dumped counts).
		while read -r kib start stop; do
			[ -n "$start" ] || continue
			file=$STAGE/dumps/$dump_pid-$start-$stop.bin
			if [ -s "$file" ] || mem_region "$dump_pid" "$start" "$stop" "$file"; then
				dumped=$((dumped + 1))
				log "dumps/$dump_pid-$start-$stop.bin: $kib KiB dirty, $(wc -c <"$file" | tr -d ' ') bytes dumped"
			else
				rm -f "$file"
				missing "dump of pid $dump_pid at $start failed (ptrace not permitted?)"
			fi
		done <<EOF
$regions
EOF
		[ "$dumped" -gt 0 ] || rmdir "$STAGE/dumps" 2>/dev/null
	fi
fi

# ---- manifest, archive ---------------------------------------------------------------------------

ALL_NOTES=$NOTES
if [ -n "$MISSING" ]; then
	ALL_NOTES="${ALL_NOTES:+$ALL_NOTES$NL}collector: $MISSING"
fi
ALL_NOTES=$(printf '%s' "$ALL_NOTES" | head -c 4000)
{
	printf '{\n'
	printf '  "host": %s,\n' "$(json_str "$HOST")"
	[ -n "$ROLE" ] && printf '  "role": %s,\n' "$(json_str "$ROLE")"
	printf '  "collectedAt": %s,\n' "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
	printf '  "kernel": %s,\n' "$(json_str "$(uname -r 2>/dev/null)")"
	printf '  "notes": %s,\n' "$(json_str "$ALL_NOTES")"
	printf '  "collector": %s\n' "$(json_str "$PROG $VERSION")"
	printf '}\n'
} >"$STAGE/manifest.json"
log "finished $(date -u +%Y-%m-%dT%H:%M:%SZ)"

tar -czf "$ARCHIVE" -C "$STAGE" . 2>"$STAGE.tar-err" || {
	cat "$STAGE.tar-err" >&2
	rm -f "$STAGE.tar-err" "$ARCHIVE"
	die "could not write $ARCHIVE"
}
rm -f "$STAGE.tar-err"
[ "$KEEP" = 1 ] || rm -rf "$STAGE"

# ---- upload --------------------------------------------------------------------------------------

if [ -z "$URL" ]; then
	printf '%s\n' "$ARCHIVE"
	exit 0
fi

printf 'bundle: %s\n' "$ARCHIVE" >&2
ENDPOINT=${URL%/}/v1/bundles
if have curl; then
	fail_opt=--fail-with-body
	curl --fail-with-body --version >/dev/null 2>&1 || fail_opt=--fail # curl before 7.76
	# The token goes through a config on stdin, not the command line (ps would show it).
	token_escaped=$(printf '%s' "$TOKEN" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
	{
		[ -n "$TOKEN" ] && printf 'header = "Authorization: Bearer %s"\n' "$token_escaped"
		:
	} | curl -sS "$fail_opt" -K - --connect-timeout 20 --max-time 3600 \
		-H 'Expect:' -H 'content-type: application/gzip' \
		--data-binary "@$ARCHIVE" "$ENDPOINT"
	status=$?
	echo
elif have wget; then
	if [ -n "$TOKEN" ]; then
		wget -q -O - --header 'content-type: application/gzip' --header "Authorization: Bearer $TOKEN" --post-file "$ARCHIVE" "$ENDPOINT"
	else
		wget -q -O - --header 'content-type: application/gzip' --post-file "$ARCHIVE" "$ENDPOINT"
	fi
	status=$?
	echo
else
	printf '%s: no curl or wget to upload with; the bundle is %s\n' "$PROG" "$ARCHIVE" >&2
	exit 4
fi
if [ "$status" -ne 0 ]; then
	printf '%s: upload to %s failed; the bundle is %s\n' "$PROG" "$ENDPOINT" "$ARCHIVE" >&2
	exit 4
fi
exit 0
