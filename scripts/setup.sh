#!/usr/bin/env bash
# Installs what the extension-host and UI test stages need, once per machine:
#   - Debian packages: chromium (headless browser), libkrb5-dev (headers for code-server's
#     native `kerberos` module), ripgrep (stands in for @vscode/ripgrep's download),
#     plus the compiler tool chain node-gyp uses;
#   - code-server 4.100.3 (VS Code 1.100.3 for the browser, the newest that runs on Node 20)
#     into a cache folder outside the project's dependencies.
# A second run is a quick no-op. Prints the code-server directory on its last line.
#
# Environment:
#   PAGING_LAYOUT_CODE_SERVER_DIR  where code-server is installed
#                                  (default ${XDG_CACHE_HOME:-$HOME/.cache}/paging-layout/code-server-4.100.3)
#   PAGING_LAYOUT_SKIP_APT=1       never call apt-get (fail instead, naming what is missing)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
RIPGREP_CACHE_VERSION=1.15.11                       # @vscode/ripgrep version code-server 4.100.3 pulls in
RIPGREP_ARCHIVE=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
CS_DIR="${PAGING_LAYOUT_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/paging-layout/code-server-$CODE_SERVER_VERSION}"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
STAMP="$CS_DIR/.installed-$CODE_SERVER_VERSION"

say() { echo "[setup] $*" >&2; }
die() { echo "[setup] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- fast path
if [[ -f "$STAMP" && -x "$CS_BIN" && -x /usr/bin/chromium ]]; then
  say "code-server $CODE_SERVER_VERSION already installed in $CS_DIR; chromium present"
  echo "$CS_DIR"
  exit 0
fi

command -v node >/dev/null || die "node is missing (Node 20 is required)"
command -v npm >/dev/null || die "npm is missing"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[[ "$node_major" == 20 ]] || say "warning: Node $node_major; code-server $CODE_SERVER_VERSION is built for Node 20"

# ---------------------------------------------------------------- Debian packages
# package name -> file that proves it is installed
declare -A NEED=(
  [chromium]=/usr/bin/chromium
  [libkrb5-dev]=/usr/include/gssapi/gssapi.h
  [ripgrep]=/usr/bin/rg
  [make]=/usr/bin/make
  [g++]=/usr/bin/g++
  [pkg-config]=/usr/bin/pkg-config
)
missing=()
for pkg in "${!NEED[@]}"; do
  [[ -e "${NEED[$pkg]}" ]] || missing+=("$pkg")
done
command -v python3 >/dev/null || missing+=(python3)

if ((${#missing[@]})); then
  say "missing Debian packages: ${missing[*]}"
  [[ "${PAGING_LAYOUT_SKIP_APT:-}" == 1 ]] && die "missing prerequisites: ${missing[*]} (PAGING_LAYOUT_SKIP_APT=1, not installing)"
  command -v apt-get >/dev/null || die "missing prerequisites: ${missing[*]} and no apt-get to install them; install them by hand"
  SUDO=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || die "missing prerequisites: ${missing[*]}; not root and no sudo to install them"
    SUDO=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Update the package lists only when they are absent or the packages are unknown to them.
  need_update=0
  compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null || need_update=1
  if ((need_update == 0)); then
    for pkg in "${missing[@]}"; do
      cand=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')
      [[ -n "$cand" && "$cand" != "(none)" ]] || need_update=1
    done
  fi
  if ((need_update)); then
    say "apt-get update"
    "${SUDO[@]}" apt-get update -qq || die "apt-get update failed (needed to install: ${missing[*]})"
  fi
  say "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
  for pkg in "${!NEED[@]}"; do
    [[ -e "${NEED[$pkg]}" ]] || die "prerequisite $pkg is still missing (${NEED[$pkg]}) after apt-get install"
  done
fi

# ---------------------------------------------------------------- ripgrep archive cache
# @vscode/ripgrep's postinstall downloads this archive from GitHub unless its cache holds it.
RG_CACHE_DIR="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$RIPGREP_CACHE_VERSION"
RG_ARCHIVE="$RG_CACHE_DIR/$RIPGREP_ARCHIVE"
if [[ ! -s "$RG_ARCHIVE" ]]; then
  say "preparing the ripgrep archive cache at $RG_ARCHIVE"
  mkdir -p "$RG_CACHE_DIR"
  tar czf "$RG_ARCHIVE.tmp" -C "$(dirname "$(command -v rg)")" rg
  mv "$RG_ARCHIVE.tmp" "$RG_ARCHIVE"
fi

# ---------------------------------------------------------------- code-server
mkdir -p "$CS_DIR"
if command -v flock >/dev/null; then
  exec 9>"$CS_DIR.lock"          # another run may be installing into the same shared cache
  flock -w 600 9 || die "timed out waiting for another installation of code-server in $CS_DIR"
fi
if [[ ! -f "$STAMP" || ! -x "$CS_BIN" ]]; then
  say "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (about a minute)"
  mkdir -p "$CS_DIR"
  [[ -f "$CS_DIR/package.json" ]] || echo '{ "name": "paging-layout-code-server-cache", "private": true }' >"$CS_DIR/package.json"
  log="$CS_DIR/install.log"
  if ! npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false \
      npm install --no-save --prefix "$CS_DIR" "code-server@$CODE_SERVER_VERSION" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "npm install code-server@$CODE_SERVER_VERSION failed (full log: $log)"
  fi
  [[ -x "$CS_BIN" ]] || die "code-server binary missing after install: $CS_BIN"
  "$CS_BIN" --version >/dev/null 2>&1 || die "code-server does not start: $CS_BIN --version failed"
  touch "$STAMP"
fi
say "code-server $CODE_SERVER_VERSION ready in $CS_DIR"
echo "$CS_DIR"
