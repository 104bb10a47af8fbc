#!/usr/bin/env bash
# Install Debian packages where this machine lets us: the ones named, or all the tests
# need. chromium: the real-browser tests. espeak-ng, sox: building the podcast audio.
# ffmpeg: building it, and ffprobe, which checks every bundle's audio (make run too).
set -uo pipefail
if [ $# -gt 0 ]; then packages=("$@"); else packages=(chromium espeak-ng sox ffmpeg); fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "system-deps: no apt-get here; install ${missing[*]} yourself (browser tests skip without chromium)."
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "system-deps: not root; run 'sudo apt-get install ${missing[*]}' (browser tests skip without chromium)."
    exit 0
  fi
fi
echo "system-deps: installing ${missing[*]}"
$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
  || echo "system-deps: apt-get failed; the tests that need ${missing[*]} will say so."
exit 0
