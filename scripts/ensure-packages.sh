#!/usr/bin/env bash
# Installs the named Debian packages that are missing, after an apt-get update; does nothing when all are there.
# Known names: postgresql-15 (server binaries), redis-server, prometheus (for promtool), chromium.
# Used by scripts/run.sh and scripts/test.sh, so a fresh machine of this kind needs nothing installed by hand.
set -euo pipefail

present() {
  case "$1" in
    postgresql-15) [ -x /usr/lib/postgresql/15/bin/initdb ] ;;
    redis-server) command -v redis-server >/dev/null 2>&1 ;;
    prometheus) command -v promtool >/dev/null 2>&1 ;;
    chromium) [ -x /usr/bin/chromium ] ;;
    *) echo "ensure-packages: unknown package '$1'" >&2; exit 2 ;;
  esac
}

need=()
for package in "$@"; do
  present "$package" || need+=("$package")
done
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing missing system packages: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
# No services are wanted from these packages: the product and the tests start their own servers on loopback.
$SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop prometheus postgresql redis-server >/dev/null 2>&1 || true; fi
pkill -x prometheus >/dev/null 2>&1 || true
