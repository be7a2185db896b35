#!/usr/bin/env bash
# Build one of the two virtual environments from its lock file.
#   scripts/setup-venv.sh app|rasa VENV_DIR LOCK_FILE
# The app runs on Python 3.11 (the CPU build of torch 2.13.0 is for 3.11); Rasa 3.6.21 on Python 3.10.
set -euo pipefail
kind=$1 venv=$2 lock=$3
case $kind in
  app) want=3.11 ;;
  rasa) want=3.10 ;;
  *) echo "usage: $0 app|rasa VENV LOCK" >&2; exit 2 ;;
esac

find_python() {
  local candidate
  for candidate in "python$want" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$want".*/bin/python"$want" \
                   /usr/local/bin/python"$want" /usr/bin/python"$want"; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import venv' >/dev/null 2>&1; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

python=$(find_python) || {
  echo "madoguchi setup: Python $want is missing (needed for the $kind environment)." >&2
  echo "  Install it (for example 'pyenv install $want' or 'apt-get install python$want python$want-venv')" >&2
  echo "  and run the command again." >&2
  exit 1
}

start=$(date +%s)
echo "madoguchi setup: building $venv ($kind, $($python --version)) from $lock"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade "pip>=23" 2>/dev/null || true
# (the grep hides pip's notes about index folders that this machine's pip configuration names but lacks)
if ! "$venv/bin/python" -m pip install --quiet -r "$lock" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); then
  echo "madoguchi setup: installing $lock into $venv failed (see the pip output above)." >&2
  exit 1
fi
if [ "$kind" = app ]; then
  "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e . \
    || "$venv/bin/python" -m pip install --quiet --no-deps -e .
fi
"$venv/bin/python" -m pip check
echo "madoguchi setup: $venv ready in $(( $(date +%s) - start )) s"
