#!/usr/bin/env bash
# Usage: ensure_program.sh PROGRAM DEBIAN_PACKAGE WHAT_NEEDS_IT
# Install a Debian package when its program is missing and we may (root, apt-get);
# otherwise say how. The browser tests drive Debian's Chromium; the benchmark runs wrk.
set -euo pipefail
program=$1 package=$2 purpose=$3
if command -v "$program" >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing $package for $purpose..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null; }
  exit 0
fi
echo "$purpose needs $program. Install it as root with: apt-get install -y $package" >&2
exit 1
