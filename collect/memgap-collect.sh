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
#   pmap/<pid>.txt               pmap -x, for the top N processes by RSS
#   proc/<pid>/smaps_rollup status maps   (smaps when the kernel has no smaps_rollup)
#   dmesg.txt                    if permitted
#   config/<name>                librdkafka configs (*.properties, *.conf naming bootstrap.servers),
#                                secrets (password, secret, jaas, token, key.pem) redacted
#   dumps/<pid>-<start>-<end>.bin  with --dumps N: the N largest dirty anonymous regions of the
#                                top process (gdb dump memory, else /proc/<pid>/mem), each capped
#
# Exit codes: 0 done, 1 the bundle could not be written, 2 usage error, 4 upload failed (the
# bundle is kept and its path printed).

VERSION=0.1.0
PROG=memgap-collect.sh

usage() {
	cat <<'EOF'
Usage: memgap-collect.sh [options]

Gathers what memgap needs to explain where memory went (meminfo, vmstat, slabinfo, buddyinfo,
ps, pmap -x / smaps_rollup / status / maps of the top processes, dmesg, librdkafka configs,
optionally memory dumps) into <out>.tar.gz, and uploads it when given --url.

Options:
  --out PATH             bundle path without .tar.gz (default: $TMPDIR or /tmp,
                         memgap-<host>-<UTC time>); PATH must not exist yet
  --role baseline|suspect
  --host NAME            host name for the manifest (default: uname -n)
  --notes TEXT           free text for the manifest
  --top N                processes to detail, by RSS (default 10)
  --kafka-config-dir DIR where to look for librdkafka configs; repeatable
                         (default: /etc and /opt)
  --dumps N              dump the N largest dirty anonymous regions of the top process
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
	--out | --role | --host | --notes | --top | --kafka-config-dir | --dumps | --dump-max-mb | --timeout | --url | --token)
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
	bounded "$TIMEOUT" "$@" >"$dest" 2>"$STAGE/.stderr"
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

log "$PROG $VERSION, started $(date -u +%Y-%m-%dT%H:%M:%SZ) on $HOST as uid $(id -u 2>/dev/null)"
log "shell: $(readlink /proc/$$/exe 2>/dev/null || echo unknown); timeout: ${TIMEOUT_CMD:-none}"

# ---- system-wide sources -----------------------------------------------------------------------

copy_proc /proc/meminfo proc/meminfo || missing "/proc/meminfo unreadable"
copy_proc /proc/vmstat proc/vmstat || missing "/proc/vmstat unreadable"
copy_proc /proc/buddyinfo proc/buddyinfo || missing "/proc/buddyinfo unreadable"
copy_proc /proc/slabinfo proc/slabinfo || missing "/proc/slabinfo unreadable (needs root)"

if have dmesg; then
	capture dmesg.txt dmesg || missing "dmesg not permitted or empty"
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

# All processes with their RSS, from the kernel: PID NAME RSS PPID VSZ, one a line, largest
# first. status files name each field on its own line; cat goes on past processes that exit.
process_table() {
	cat /proc/[0-9]*/status 2>/dev/null | awk '
		/^Name:/ { name = $2; pid = ""; ppid = 0; rss = ""; vsz = 0 }
		/^Pid:/ { pid = $2 }
		/^PPid:/ { ppid = $2 }
		/^VmSize:/ { vsz = $2 }
		/^VmRSS:/ { rss = $2; if (pid != "") print pid, name, rss, ppid, vsz }
	' | sort -k3,3nr
}
TABLE=$(process_table)

if [ "$PS_RSS" = 0 ] && [ -n "$TABLE" ]; then
	{
		printf '%7s %7s %8s %8s %s\n' PID PPID RSS VSZ COMMAND
		printf '%s\n' "$TABLE" | awk '{ printf "%7s %7s %8s %8s %s\n", $1, $4, $3, $5, $2 }'
	} >"$STAGE/ps-status.txt"
	log "ps-status.txt: written from /proc/*/status (VmRSS, VmSize)"
fi

# The top N by RSS, without this script's own shell, nor the processes that listed them.
TOP_PIDS=
count=0
for pid in $(printf '%s\n' "$TABLE" | awk -v self="$$" '$1 != self && $3 > 0 { print $1 }'); do
	[ "$count" -lt "$TOP" ] || break
	[ -d "/proc/$pid" ] || continue
	TOP_PIDS="$TOP_PIDS$pid$NL"
	count=$((count + 1))
done
[ -n "$TOP_PIDS" ] || missing "no process with an RSS found in /proc"
log "top processes by RSS: $(printf '%s' "$TOP_PIDS" | tr '\n' ' ')"

HAVE_PMAP=0
if have pmap; then HAVE_PMAP=1; else missing "no pmap command: pmap -x skipped (smaps_rollup and maps kept)"; fi

for pid in $TOP_PIDS; do
	[ -d "/proc/$pid" ] || {
		log "pid $pid: exited before it was read"
		continue
	}
	if [ "$HAVE_PMAP" = 1 ]; then
		capture "pmap/$pid.txt" pmap -x "$pid" || log "pid $pid: pmap -x failed"
	fi
	if [ -r "/proc/$pid/smaps_rollup" ]; then
		copy_proc "/proc/$pid/smaps_rollup" "proc/$pid/smaps_rollup" || log "pid $pid: smaps_rollup unreadable"
	else
		copy_proc "/proc/$pid/smaps" "proc/$pid/smaps" || log "pid $pid: smaps unreadable"
	fi
	copy_proc "/proc/$pid/status" "proc/$pid/status" || log "pid $pid: status unreadable"
	copy_proc "/proc/$pid/maps" "proc/$pid/maps" || log "pid $pid: maps unreadable"
done

# ---- librdkafka configs ------------------------------------------------------------------------

# Secrets out: the value of any key naming a password, secret, jaas config, token or key.pem
# (one expression per word: alternation is no POSIX basic regex).
redact=
for word in '[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]' '[Ss][Ee][Cc][Rr][Ee][Tt]' '[Jj][Aa][Aa][Ss]' '[Tt][Oo][Kk][Ee][Nn]' '[Kk][Ee][Yy]\.[Pp][Ee][Mm]'; do
	redact="$redact${redact:+;}s/^\([[:space:]]*[^#=:[:space:]]*$word[^=:[:space:]]*[[:space:]]*[=:]\).*\$/\1<redacted>/"
done
CONFIGS=0
CONFIG_LIST=$STAGE/.configs
: >"$CONFIG_LIST"
printf '%s' "$CONFIG_DIRS" | while IFS= read -r dir; do
	[ -n "$dir" ] || continue
	if [ ! -d "$dir" ]; then
		log "config dir $dir: not a folder"
		continue
	fi
	bounded "$TIMEOUT" find "$dir" -xdev -maxdepth 5 -type f \( -name '*.properties' -o -name '*.conf' \) -size -1024k 2>/dev/null
done | head -n 2000 >"$CONFIG_LIST"
while IFS= read -r file; do
	grep -q 'bootstrap\.servers' "$file" 2>/dev/null || continue
	[ "$CONFIGS" -lt 50 ] || {
		log "config: more than 50 librdkafka configs, the rest skipped"
		break
	}
	CONFIGS=$((CONFIGS + 1))
	base=$(basename "$file")
	name=config/$base
	[ -e "$STAGE/$name" ] && name=config/$CONFIGS-$base
	mkdir -p "$STAGE/config"
	sed -e "$redact" \
		"$file" >"$STAGE/$name" 2>/dev/null || {
		rm -f "$STAGE/$name"
		log "config $file: unreadable"
		continue
	}
	log "$name: from $file (secrets redacted)"
done <"$CONFIG_LIST"
rm -f "$CONFIG_LIST"
[ "$CONFIGS" -gt 0 ] || log "config: no librdkafka config (bootstrap.servers) under $(printf '%s' "$CONFIG_DIRS" | tr '\n' ' ')"

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

# dump_region PID START END FILE: the bytes START..END (hex, no 0x) of PID into FILE.
dump_region() {
	if have gdb; then
		bounded $((TIMEOUT * 5)) gdb -batch -nx -iex 'set auto-solib-add off' -iex 'set auto-load off' -p "$1" -ex "dump memory $4 0x$2 0x$3" >>"$LOG" 2>&1
		[ -s "$4" ] && return 0
		log "gdb dump of $1 $2-$3 failed; trying /proc/$1/mem"
	fi
	# /proc/PID/mem read at the region's offset: root (or ptrace rights) needed, no gdb.
	page=4096
	bounded $((TIMEOUT * 5)) dd if="/proc/$1/mem" of="$4" bs=$page skip=$((0x$2 / page)) count=$(((0x$3 - 0x$2) / page)) 2>>"$LOG"
	[ -s "$4" ]
}

if [ "$DUMPS" -gt 0 ]; then
	dump_pid=$(printf '%s\n' "$TOP_PIDS" | head -n 1)
	cap=$((DUMP_MAX_MB * 1024 * 1024))
	if [ -z "$dump_pid" ]; then
		missing "dumps: no process to dump"
	elif [ ! -r "/proc/$dump_pid/smaps" ]; then
		missing "dumps: /proc/$dump_pid/smaps unreadable"
	else
		have gdb || log "dumps: no gdb, reading /proc/$dump_pid/mem"
		mkdir -p "$STAGE/dumps"
		dumped=0
		regions=$(dirty_anon_regions "$dump_pid" | head -n "$DUMPS")
		[ -n "$regions" ] || missing "dumps: pid $dump_pid has no dirty anonymous region"
		# A here-document, not a pipe: the loop must not run in a subshell (dumped counts).
		while read -r kib start end; do
			[ -n "$start" ] || continue
			stop=$end
			[ $((0x$end - 0x$start)) -le "$cap" ] || stop=$(printf '%x' $((0x$start + cap)))
			start=$(printf '%x' $((0x$start))) # smaps pads to 8 digits: names carry none
			stop=$(printf '%x' $((0x$stop)))
			file=$STAGE/dumps/$dump_pid-$start-$stop.bin
			if dump_region "$dump_pid" "$start" "$stop" "$file"; then
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
