#!/usr/bin/env bash
# The project's test command (`npm test`): dependencies, set-up, build, then the unit,
# extension-host (code-server) and UI (code-server + Chromium) stages. Each stage ends with its
# own `N passed, N failed` line; a summary with the stage timings and a totals line
# `total: N passed, N failed` closes the run. Exits non-zero when any stage fails or cannot run.
# Logs: test-results/logs/<stage>.log; screenshots: test-results/.
#
# Environment: PAGING_LAYOUT_STAGES="unit integration e2e" to run a subset (others show as skipped).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGS="$ROOT/test-results/logs"
mkdir -p "$LOGS"
STAGES_WANTED=" ${PAGING_LAYOUT_STAGES:-unit integration e2e} "

declare -a SUMMARY=()
TOTAL_P=0 TOTAL_F=0 BROKEN=0
T_ALL=$(date +%s)

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
banner() { printf '\n=== %s ===\n' "$*"; }

# step NAME CMD...: a preparation step; its failure stops the run.
step() {
  local name=$1; shift
  banner "$name"
  local t0; t0=$(now)
  if "$@" >"$LOGS/$name.log" 2>&1; then
    local t; t=$(secs "$t0" "$(now)")
    echo "$name: ok (${t} s)"
    SUMMARY+=("$(printf '%-12s %-28s %7s s' "$name" ok "$t")")
  else
    local rc=$? t; t=$(secs "$t0" "$(now)")
    grep -v '^npm warn' "$LOGS/$name.log" | tail -n 40
    echo "$name: FAILED (exit $rc, ${t} s; full log: test-results/logs/$name.log)"
    SUMMARY+=("$(printf '%-12s %-28s %7s s' "$name" "FAILED (exit $rc)" "$t")")
    BROKEN=1
    return 1
  fi
}

# stage NAME CMD...: a test stage; streams its output and reads its closing line.
stage() {
  local name=$1; shift
  if [[ "$STAGES_WANTED" != *" $name "* ]]; then
    SUMMARY+=("$(printf '%-12s %-28s %7s' "$name" "skipped (PAGING_LAYOUT_STAGES)" -)")
    return 0
  fi
  banner "$name"
  if ((BROKEN)); then
    echo "$name: not run (an earlier step failed)"
    echo "0 passed, 1 failed"
    SUMMARY+=("$(printf '%-12s %-28s %7s' "$name" "NOT RUN" -)")
    TOTAL_F=$((TOTAL_F + 1))
    return 1
  fi
  local t0; t0=$(now)
  "$@" </dev/null 2>&1 | grep --line-buffered -v '^npm warn' | tee "$LOGS/$name.log"
  local rc=${PIPESTATUS[0]} t; t=$(secs "$t0" "$(now)")
  local closing p f
  closing=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOGS/$name.log" | tail -n 1)
  if [[ -z "$closing" ]]; then
    echo "$name: no closing line (exit $rc)"
    echo "0 passed, 1 failed"
    p=0 f=1
  else
    p=${closing%% passed*}
    f=${closing#*, }; f=${f%% failed}
    if ((rc != 0 && f == 0)); then
      echo "$name: exited with $rc although it reported no failed test"
      f=1
    fi
  fi
  TOTAL_P=$((TOTAL_P + p)) TOTAL_F=$((TOTAL_F + f))
  SUMMARY+=("$(printf '%-12s %-28s %7s s' "$name" "$p passed, $f failed" "$t")")
  ((f == 0 && rc == 0))
}

# ------------------------------------------------------------------ preparation
deps() {
  if [[ ! -d node_modules || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "node_modules missing or older than package-lock.json: npm ci"
    npm ci --no-audit --no-fund
  else
    echo "node_modules up to date"
  fi
}
unit_cmd() {
  if node -e 'process.exit(require("./package.json").scripts["test:unit:only"] ? 0 : 1)'; then npm run --silent test:unit:only
  else node --test out/test/unit/; fi
}

kernel_tree() {
  # The real-tree tests (unit stage) read Debian's linux-source-6.1, extracted once into a cache folder.
  local tree
  tree=$(bash scripts/kernel-tree.sh | tail -n 1) || return 1
  echo "$tree" > "$LOGS/kernel-tree.path"
  echo "kernel tree: $tree"
}

kbuild_dirs() {
  # The derived-layout tests (unit stage) read configured O= build directories of that tree.
  PAGING_LAYOUT_KERNEL_TREE="${PAGING_LAYOUT_KERNEL_TREE:-$(cat "$LOGS/kernel-tree.path")}" \
    bash scripts/kernel/setup-kbuild.sh x86_64-4level x86_64-5level arm64-defconfig arm64-64k-52bit riscv-defconfig
}

step deps deps &&
  step setup bash scripts/setup.sh &&
  step kernel-tree kernel_tree &&
  step kbuild kbuild_dirs &&
  step build npm run build &&
  step tsc npx tsc -p . &&
  true

[[ -f "$LOGS/kernel-tree.path" && -z "${PAGING_LAYOUT_KERNEL_TREE:-}" ]] && export PAGING_LAYOUT_KERNEL_TREE="$(cat "$LOGS/kernel-tree.path")"
stage unit unit_cmd
stage integration node out/test/integration/runCodeServer.js
if [[ "$STAGES_WANTED" == *" e2e "* ]] && ((BROKEN == 0)); then
  step package npm run package || true
fi
stage e2e node out/test/e2e/run.js

# ------------------------------------------------------------------ summary
banner summary
for line in "${SUMMARY[@]}"; do echo "$line"; done
echo "wall time: $(( $(date +%s) - T_ALL )) s"
echo "total: $TOTAL_P passed, $TOTAL_F failed"
((BROKEN == 0 && TOTAL_F == 0 && TOTAL_P > 0))
