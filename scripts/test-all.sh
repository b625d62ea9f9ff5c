#!/usr/bin/env bash
# Every test, in order of speed: types and import boundaries, unit + integration + reliability
# (Vitest, real PostgreSQL 18 embedded), the same integration suite on PostgreSQL 15 when its
# server is installed, then a production build and the end-to-end suite (Playwright, Chromium).
set -uo pipefail
export NEXT_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/.."

passed=0; failed=0
step() {
  local name=$1; shift
  echo; echo "━━ $name"
  if "$@"; then passed=$((passed + 1)); echo "✔ $name"; else failed=$((failed + 1)); echo "✘ $name"; fi
}

pg15_suite() {
  local bin=/usr/lib/postgresql/15/bin dir port=54315
  dir=$(mktemp -d /tmp/anvil-pg15.XXXX)
  chmod 755 "$dir"
  local as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as=(su postgres -s /bin/sh -c); else as=(sh -c); fi
  "${as[@]}" "$bin/initdb -D $dir/data -U postgres --auth=trust -E UTF8 >/dev/null" || return 1
  "${as[@]}" "$bin/pg_ctl -D $dir/data -l $dir/log -w -o '-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off' start >/dev/null" || return 1
  ANVIL_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" npx vitest run tests/integration
  local rc=$?
  "${as[@]}" "$bin/pg_ctl -D $dir/data -m fast stop >/dev/null"
  rm -rf "$dir"
  return $rc
}

step "types (tsc)" npx tsc --noEmit -p .
step "import boundaries and cycles (dependency-cruiser)" npx depcruise --config .dependency-cruiser.cjs app components server lib
step "unit, integration and reliability tests (Vitest, PostgreSQL 18 embedded)" npx vitest run
if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  step "integration tests on PostgreSQL 15" pg15_suite
else
  echo "(PostgreSQL 15 server not installed: skipping the PG 15 run; .ci/run installs it)"
fi
step "production build (next build)" npx next build
step "end-to-end tests (Playwright, Debian Chromium)" npx playwright test

echo
echo "test suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
