#!/bin/sh
# What the tests need from outside npm, brought before any test runs (`npm test` calls this
# first): Chromium for the HTML report, busybox for the collector, gdb and procps (pmap, ps) for
# the collector's dumps and process lists, util-linux's unshare for its PID namespace, and CJK
# fonts for reports in Chinese. As root with apt-get it installs what is missing; anywhere else it
# names what to install in one line and fails, so no test meets a missing tool and skips.
set -eu

chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=''
need() { # need PACKAGE: add it to the list once
  case " $missing " in *" $1 "*) ;; *) missing="${missing:+$missing }$1" ;; esac
}
has() { command -v "$1" >/dev/null 2>&1; }

[ -x "$chromium" ] || need chromium
has busybox || need busybox
has gdb || need gdb
has pmap && has ps || need procps
has unshare || need util-linux
# The fonts are data, not a command: any Noto CJK face under the system font folders will do.
[ -n "$(find /usr/share/fonts -name 'NotoSansCJK*' -print -quit 2>/dev/null)" ] || need fonts-noto-cjk

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ] || ! has apt-get; then
  echo "memgap tests need Debian packages that are missing: $missing (as root: apt-get install -y $missing)" >&2
  exit 1
fi

echo "memgap tests: installing $missing with apt-get" >&2
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
# Colleagues' and CI's apt runs may hold the dpkg lock: wait for it rather than fail.
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $missing >/dev/null
echo "memgap tests: installed $missing in $(($(date +%s) - start)) s" >&2
