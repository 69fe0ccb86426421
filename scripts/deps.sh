#!/usr/bin/env bash
# Installs the system packages filtop needs to build, run and test, if any are missing.
# Idempotent and quiet when everything is present. Needs root or sudo only when installing.
set -euo pipefail

packages=(libsodium-dev libncurses-dev libsqlite3-dev pkg-config tmux tcpdump openssl python3 python3-venv)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A python3 from elsewhere (e.g. pyenv) with venv support makes the Debian ones unnecessary.
if command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null; then
    filtered=()
    for p in "${missing[@]:-}"; do
        [[ -z "$p" || "$p" == python3 || "$p" == python3-venv ]] || filtered+=("$p")
    done
    missing=("${filtered[@]:-}")
fi
missing=(${missing[@]:-})
if ((${#missing[@]})); then
    echo "installing system packages: ${missing[*]}" >&2
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
    for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
        [[ -x "$d/swift" ]] && { echo "swift is in $d; add it to PATH" >&2; exit 1; }
    done
    echo "swift is not installed: install the Swift 6 toolchain from swift.org first" >&2
    exit 1
fi
