#!/usr/bin/env bash
# Tools the tests drive besides Node: Debian's Chromium (the Swagger UI browser test; never a browser
# download) and docker-compose (parses docker/compose.yml without an engine). Installs what is missing
# with apt-get (as root, or through sudo); says what to install when it cannot.
set -euo pipefail

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "The tests need: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${missing[*]} (Chromium at CHROMIUM_PATH, default /usr/bin/chromium); install them with your package manager." >&2
  exit 1
fi
echo "test tools: installing ${missing[*]} (Debian packages)"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
