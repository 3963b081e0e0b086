#!/usr/bin/env bash
# ctest driver for the flame graph browser test: renders SVGs with the
# perfgate under test, installs playwright-core (npm ci, pinned by
# package-lock.json) into the build tree and runs flamegraph.test.mjs in
# headless Chromium. Exits 77 (ctest SKIP_RETURN_CODE) only when Chromium or
# Node.js is missing; anything else that goes wrong fails.
#
# usage: run.sh PERFGATE_EXE SOURCE_DIR WORK_DIR
set -euo pipefail
perfgate=$1 src=$2 work=$3
chromium=${PERFGATE_CHROMIUM:-/usr/bin/chromium}

if [[ ! -x $chromium ]]; then
  echo "SKIP: $chromium not found (Debian package 'chromium'; scripts/bootstrap installs it)"
  exit 77
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: node/npm not found (Debian packages 'nodejs' and 'npm'; scripts/bootstrap installs them)"
  exit 77
fi

mkdir -p "$work"
cp "$src/package.json" "$src/package-lock.json" "$src/flamegraph.test.mjs" "$work/"
# npm ci only when the lock file changed since the last successful install.
if ! cmp -s "$work/package-lock.json" "$work/.installed-lock" 2>/dev/null || [[ ! -d $work/node_modules/playwright-core ]]; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" "$work/.installed-lock"
fi

"$perfgate" flamegraph "$src/fixture.folded" -o "$work/flamegraph.svg" --subtitle "browser test fixture"
"$perfgate" diff "$src/fixture.folded" "$src/fixture_head.folded" -o "$work/flamegraph-diff.svg" >/dev/null
node "$work/flamegraph.test.mjs" "$work/flamegraph.svg" "$src/fixture.folded" "$work/flamegraph-diff.svg" "$work"
