# Sourced by the project's scripts: installs the Debian tools the tests run for real, if missing.
# Idempotent and quick when everything is there; loud when something can't be installed.
EDGEKIT_APT_PACKAGES=(nginx libnginx-mod-http-brotli-filter openssl curl prometheus docker-compose nghttp2-client chromium wrk haproxy caddy libxml2-utils)

edgekit_missing_packages() {
  local missing=() p
  for p in "${EDGEKIT_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

edgekit_ensure_system_packages() {
  local missing
  missing=$(edgekit_missing_packages)
  [ -z "$missing" ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "edgekit: missing tools ($missing) and no apt-get to install them; install their equivalents" >&2
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "edgekit: installing $missing (Debian packages)" >&2
  $sudo apt-get update -qq >&2 || { echo "edgekit: apt-get update failed" >&2; return 1; }
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    echo "edgekit: apt-get install $missing failed" >&2; return 1; }
  # The Debian nginx and caddy packages start system services on port 80 (haproxy one with no
  # frontend); the tests and `edgekit bench` run their own.
  local svc
  for svc in nginx caddy haproxy; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then $sudo systemctl stop "$svc" || true; fi
  done
  missing=$(edgekit_missing_packages)
  [ -z "$missing" ] || { echo "edgekit: still missing after install: $missing" >&2; return 1; }
}

# npm ci when node_modules is missing or older than the lock file (the callers then build dist/).
edgekit_ensure_deps() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "edgekit: npm ci" >&2
    npm ci --no-audit --no-fund >&2 || { echo "edgekit: npm ci failed" >&2; return 1; }
  fi
}
