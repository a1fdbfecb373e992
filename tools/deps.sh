#!/bin/sh
# deps.sh: make sure the Debian packages ersim builds against, and the
# renderers its HTML reports draw with, are present. Installs the missing
# ones when run as root (apt-get update; apt-get install -y), otherwise
# prints the exact command and fails.
#
# graphviz (dot) draws the topology and gnuplot-nox (gnuplot without X11)
# the charts of `--report` pages; without them the pages keep their
# tables, ersim warns on stderr, and the tests that check pictures fail.
set -eu
PKGS="gcc make pkg-config libigraph-dev libxml2-dev check libjansson-dev libsqlite3-dev"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
# The renderers count as present when their program is on PATH, whatever
# package brought it (gnuplot-x11 or gnuplot-qt serve as well as -nox).
command -v dot >/dev/null 2>&1 || missing="$missing graphviz"
command -v gnuplot >/dev/null 2>&1 || missing="$missing gnuplot-nox"

[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y $missing
else
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
