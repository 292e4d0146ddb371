#!/bin/sh
# Install Convener from this folder, with no network:  sh install.sh [FOLDER]
# Finds Python 3.11, 3.12 or 3.13 (or the one named by PYTHON=...), then runs install.py.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
wanted="3.11, 3.12 or 3.13"
found=""
for candidate in ${PYTHON:-python3.13 python3.12 python3.11 python3}; do
    if version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); then
        case "$version" in
            3.11 | 3.12 | 3.13) exec "$candidate" "$here/install.py" "$@" ;;
            *) found="$found $candidate ($version)" ;;
        esac
    fi
done
echo "Convener needs Python $wanted; found:${found:- no Python at all}." >&2
echo "Install one (Debian/Ubuntu: sudo apt install python3.11 python3.11-venv)," >&2
echo "or name it: PYTHON=/path/to/python3.12 sh install.sh" >&2
exit 1
