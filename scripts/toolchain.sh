#!/usr/bin/env sh
# Runs a command with a supported Node (22 or 24) and the pinned pnpm on PATH,
# installing both from the npm registry into ./.toolchain when the machine lacks them,
# and installs the workspace's dependencies when they are missing or stale.
# Usage: sh scripts/toolchain.sh <command> [args...]
set -eu

NODE_VERSION="24.21.0"
PNPM_VERSION="10.34.8"

root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
toolchain="$root/.toolchain"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || return 1
  [ "$major" = 22 ] || [ "$major" = 24 ]
}

pnpm_ok() {
  command -v pnpm >/dev/null 2>&1 || return 1
  [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]
}

if ! node_ok || ! pnpm_ok; then
  if [ ! -x "$toolchain/node_modules/.bin/node" ] || [ ! -x "$toolchain/node_modules/.bin/pnpm" ] \
    || [ "$("$toolchain/node_modules/.bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
    command -v npm >/dev/null 2>&1 || { echo "toolchain: npm is needed to fetch Node $NODE_VERSION and pnpm $PNPM_VERSION" >&2; exit 1; }
    echo "toolchain: installing node@$NODE_VERSION and pnpm@$PNPM_VERSION into .toolchain/ (once)" >&2
    mkdir -p "$toolchain"
    [ -f "$toolchain/package.json" ] || echo '{"private":true}' > "$toolchain/package.json"
    npm install --prefix "$toolchain" --no-save --no-audit --no-fund --loglevel=error \
      "node@$NODE_VERSION" "pnpm@$PNPM_VERSION" >&2
  fi
  PATH="$toolchain/node_modules/.bin:$PATH"
  export PATH
fi

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

# Install (or refresh) workspace dependencies when the lockfile is newer than the install.
stamp="$root/node_modules/.pnpm/lock.yaml"
if [ "${METRICS_SKIP_INSTALL:-}" != 1 ] && { [ ! -f "$stamp" ] || [ "$root/pnpm-lock.yaml" -nt "$stamp" ]; }; then
  (cd "$root" && pnpm install --frozen-lockfile --reporter=append-only) >&2
fi

exec "$@"
