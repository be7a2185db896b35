#!/usr/bin/env bash
# Install the Debian packages madoguchi needs beyond Python, when they are missing.
#   scripts/setup-system.sh        (as root; otherwise it says what to install and carries on)
# Today: a Japanese font, to draw the LINE rich menu (`madoguchi line richmenu image`) and to test it, and
# Chromium, which the staff console's browser tests drive headless (Playwright, never its own browsers).
# Quiet when everything is present. A failed install as root stops `make setup`.
set -euo pipefail
packages=(fonts-ipafont-gothic chromium)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=ja file 2>/dev/null)" ]; then
    echo "madoguchi setup: not a Debian system; install a Japanese font (IPA Gothic or Noto Sans CJK) to draw" >&2
    echo "  the LINE rich menu, or set MADOGUCHI_FONT to one. Everything else works without it." >&2
  fi
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "madoguchi setup: missing Debian packages: ${missing[*]} (the LINE rich menu image and the staff console's browser tests need them)." >&2
  echo "  Install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  echo "  (or run: sudo scripts/setup-system.sh). Carrying on without them." >&2
  exit 0
fi

echo "madoguchi setup: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
  echo "madoguchi setup: apt-get could not install ${missing[*]} (see above); install them and run the command again." >&2
  exit 1
fi
echo "madoguchi setup: installed ${missing[*]}"
