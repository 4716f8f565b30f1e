# Sourced by the project's scripts: Docker Compose v2 as an extra binary beside v1, for the tests that
# run the generated compose file under both (test/host/targets/compose.v2*.test.ts).
# Compose v2 is Debian trixie's `docker-compose` package (a Go binary, libc only). Bookworm has v1
# only, so the .deb is downloaded with apt from trixie through a private, temporary apt state (its own
# sources list, package lists and cache: the host's apt sources and state are left as they are) and
# unpacked into a per-user cache. `docker compose` (v1 or its shim) is not touched.
# Idempotent: with the binary in place it only checks it (well under a second); the first install is a
# trixie `apt-get update` of its own plus a 13 MB download (a few seconds where the mirror is near).
# Prints the binary's path on stdout; loud (non-zero, the reason on stderr) when it can't be had.
edgekit_compose_v2_path() { echo "${XDG_CACHE_HOME:-$HOME/.cache}/edgekit/compose-v2/docker-compose"; }

edgekit_ensure_compose_v2() {
  local bin dir suite="${EDGEKIT_COMPOSE_V2_SUITE:-trixie}"
  bin=$(edgekit_compose_v2_path)
  dir=$(dirname "$bin")
  if [ -x "$bin" ] && "$bin" version --short 2>/dev/null | grep -q '^v\?2\.'; then echo "$bin"; return 0; fi
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
    echo "edgekit: Compose v2 comes from Debian's docker-compose package, and there is no apt-get/dpkg-deb here; put a v2 binary at $bin" >&2; return 1; }
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r "$keyring" ] || { echo "edgekit: $keyring is missing (package debian-archive-keyring); it signs $suite" >&2; return 1; }
  local tmp apt_opts
  tmp=$(mktemp -d /tmp/edgekit-compose-v2.XXXXXX)
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/sources.list.d" "$tmp/preferences.d" "$tmp/deb"
  echo "deb [signed-by=$keyring] http://deb.debian.org/debian $suite main" >"$tmp/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$tmp/sources.list" -o "Dir::Etc::sourceparts=$tmp/sources.list.d"
    -o "Dir::Etc::preferencesparts=$tmp/preferences.d" -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache"
    -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root)
  echo "edgekit: installing Compose v2 (Debian $suite's docker-compose) into $dir" >&2
  if ! apt-get "${apt_opts[@]}" -qq update >"$tmp/apt.log" 2>&1; then
    cat "$tmp/apt.log" >&2; rm -rf "$tmp"; echo "edgekit: apt-get update of Debian $suite failed" >&2; return 1
  fi
  if ! (cd "$tmp/deb" && apt-get "${apt_opts[@]}" -qq download docker-compose) >>"$tmp/apt.log" 2>&1; then
    cat "$tmp/apt.log" >&2; rm -rf "$tmp"; echo "edgekit: apt-get download docker-compose from Debian $suite failed" >&2; return 1
  fi
  local deb
  deb=$(ls "$tmp"/deb/docker-compose_*.deb 2>/dev/null | head -1)
  case "$(basename "${deb:-none}")" in
    docker-compose_2.*) ;;
    *) rm -rf "$tmp"; echo "edgekit: Debian $suite's docker-compose is not Compose v2 (${deb:-nothing downloaded})" >&2; return 1 ;;
  esac
  dpkg-deb -x "$deb" "$tmp/x" || { rm -rf "$tmp"; echo "edgekit: dpkg-deb -x $deb failed" >&2; return 1; }
  mkdir -p "$dir"
  install -m 0755 "$tmp/x/usr/libexec/docker/cli-plugins/docker-compose" "$bin.new" && mv -f "$bin.new" "$bin"
  basename "$deb" >"$dir/SOURCE"
  rm -rf "$tmp"
  "$bin" version --short 2>/dev/null | grep -q '^v\?2\.' || { echo "edgekit: $bin does not run as Compose v2" >&2; return 1; }
  echo "edgekit: Compose v2 $("$bin" version --short) at $bin" >&2
  echo "$bin"
}
