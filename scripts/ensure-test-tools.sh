#!/bin/sh
# Installs the Debian packages some tests need (dnsmasq: a real DNS server
# for the `stoa doctor` tests). Installs only what is missing, only as root;
# otherwise says what to install and fails, so a test never passes silently.
set -eu

PACKAGES="dnsmasq"
missing=""
for pkg in $PACKAGES; do
  command -v "$pkg" >/dev/null 2>&1 || [ -x "/usr/sbin/$pkg" ] || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != "0" ]; then
  echo "ensure-test-tools: missing Debian packages:$missing; install them with: sudo apt-get install -y$missing" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-test-tools: missing packages:$missing, and apt-get is not available to install them" >&2
  exit 1
fi
echo "ensure-test-tools: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
