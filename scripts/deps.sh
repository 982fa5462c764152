#!/usr/bin/env bash
# Installs the Debian packages named on the command line, only those missing.
# Idempotent: when everything is present it prints nothing and exits 0.
set -euo pipefail

missing=()
for p in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "deps: these packages are missing and installing them needs root:" >&2
    echo "        sudo apt-get install -y ${missing[*]}" >&2
    echo "      run that once (or run make as root), then repeat the make command." >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have empty package lists: update once, then install.
if ! $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >/tmp/rgflow-apt.log 2>&1; then
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q >/tmp/rgflow-apt-update.log 2>&1 || { cat /tmp/rgflow-apt-update.log >&2; exit 1; }
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" || exit 1
fi
echo "deps: installed ${missing[*]}"
