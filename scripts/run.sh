#!/usr/bin/env bash
# The project's run command (`npm start`): builds and packages the VSIX, then opens the sample
# workspace examples/ with the extension installed:
#   - in VS Code desktop when `code` is on the PATH;
#   - otherwise in code-server (installed by scripts/setup.sh) on 127.0.0.1, URL printed.
# Environment: PORT (code-server port, default 8080), PAGING_LAYOUT_USE_CODE_SERVER=1 to skip `code`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VSIX="$ROOT/dist/paging-layout.vsix"

[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run --silent package </dev/null >/dev/null
echo "packaged $VSIX"

if [[ "${PAGING_LAYOUT_USE_CODE_SERVER:-}" != 1 ]] && command -v code >/dev/null 2>&1; then
  code --install-extension "$VSIX" --force
  exec code "$ROOT/examples"
fi

CS_DIR=$(bash scripts/setup.sh | tail -n 1)
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
STATE="${XDG_STATE_HOME:-$HOME/.local/state}/paging-layout/code-server"
mkdir -p "$STATE/extensions" "$STATE/data/User"
[[ -f "$STATE/data/User/settings.json" ]] || cat >"$STATE/data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false
}
JSON
"$CS_BIN" --extensions-dir "$STATE/extensions" --user-data-dir "$STATE/data" --install-extension "$VSIX" --force >/dev/null
PORT=${PORT:-8080}
echo
echo "Paging Layout is installed in code-server. Open this URL in a browser:"
echo "    http://127.0.0.1:$PORT/?folder=$ROOT/examples"
echo "(Ctrl+C stops code-server)"
echo
exec "$CS_BIN" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --extensions-dir "$STATE/extensions" --user-data-dir "$STATE/data" "$ROOT/examples"
