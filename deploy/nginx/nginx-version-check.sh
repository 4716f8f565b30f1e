#!/bin/sh
# The nginx in this image must be the release the spec targets (EDGEKIT_NGINX_VERSION, set at
# build time from the spec's nginx.version): the same release line (1.30.x for 1.30.6), and not
# older than the spec's version. Then it runs its arguments (the container's command), if any.
set -eu
want="${EDGEKIT_NGINX_VERSION:?EDGEKIT_NGINX_VERSION is not set}"
have=$(nginx -v 2>&1 | sed -n 's|^nginx version: nginx/\([0-9.]*\).*|\1|p')
line() { echo "$1" | cut -d. -f1,2; }
older() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n | head -n1)" = "$1" ] && [ "$1" != "$2" ]; }
if [ -z "$have" ] || [ "$(line "$have")" != "$(line "$want")" ] || older "$have" "$want"; then
  echo "edgekit: this image runs nginx ${have:-(none)}, but the spec targets nginx $want; rebuild the image (docker compose build nginx) or set nginx.version to the nginx you run" >&2
  exit 78
fi
[ "$#" -eq 0 ] || exec "$@"
