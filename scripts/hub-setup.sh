#!/usr/bin/env bash
# Installs JupyterHub's proxy (configurable-http-proxy, from npm) into a local folder: .hub/node by default.
# JupyterHub itself and the login page (jupyterhub-nativeauthenticator) come from PyPI with `make venv`.
set -euo pipefail
dest="${1:-$(cd "$(dirname "$0")/.." && pwd)/.hub/node}"
proxy="$dest/node_modules/.bin/configurable-http-proxy"
[ -x "$proxy" ] && exit 0
command -v npm >/dev/null 2>&1 || { echo "npm is missing: run 'make system-deps' (Debian packages nodejs, npm)" >&2; exit 1; }
mkdir -p "$dest"
echo "Installing configurable-http-proxy into $dest"
npm install --prefix "$dest" --no-audit --no-fund --loglevel=error configurable-http-proxy@5 >/dev/null
"$proxy" --version >/dev/null
