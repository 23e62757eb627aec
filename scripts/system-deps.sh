#!/usr/bin/env bash
# Debian packages Permanence needs beyond Python. Installs the missing ones
# when run as root (CI, a fresh server); otherwise says what to install.
#   chromium                         the end-to-end browser test (tests/test_browser.py)
#   libpango-1.0-0 libpangoft2-1.0-0 WeasyPrint, which renders the PDFs
#   libharfbuzz-subset0              WeasyPrint's font subsetting (small, fast PDFs)
#   fonts-dejavu-core                the fonts the PDFs use
#   wkhtmltopdf                      the second PDF engine (PDF_ENGINE=wkhtmltopdf), tested too
#   wrk                              the HTTP load of `make bench` (bench/load.py)
#   openssl                          RFC 3161 timestamps of the evidence logs (core/cases/timestamps.py)
#   nginx                            the reverse proxy of deploy/nginx; `nginx -t` checks the shipped site (tests/test_deploy.py)
#   systemd                          `systemd-analyze verify` checks the shipped units (tests/test_deploy.py); always there on a server
# Usage: scripts/system-deps.sh [extra-package ...]   (CI adds postgresql)
set -euo pipefail
packages=(chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core wkhtmltopdf wrk openssl nginx systemd
          "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "Installed: ${missing[*]}"
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo $0   (the browser test is skipped without chromium)" >&2
fi
