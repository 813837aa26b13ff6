#!/bin/sh
# The test suite, as `npm test` runs it: build, then Node's test runner over every *.test.js below
# test/ (commands/, lib/, e2e/, project/: CONTRIBUTING.md, "Tests"), sorted, and the emulator
# package's packages/emulator/test/*.test.js (or the files given). Keychain tests need a Secret Service: when this machine has
# dbus-run-session and gnome-keyring but no session bus, the run happens inside a private D-Bus
# session with an unlocked, throwaway gnome-keyring (as in CI), never a real desktop keyring.
#
# What it prints: the spec reporter on a terminal (one line per test, failures in full at the
# end), the dot reporter elsewhere (a CI log: a dot per test, failures in full), then the runner's
# closing summary lines from its TAP report (`# tests`, `# pass`, `# fail`, ...), which CI reads.
set -e
cd "$(dirname "$0")/.."
if [ -z "$TINK_TEST_BUILT" ]; then npm run build --silent; fi
export TINK_TEST_BUILT=1
# sh does not expand test/**/*.test.js: find lists the tree (no test file name has a space).
# shellcheck disable=SC2046
if [ $# -eq 0 ]; then set -- $(find test -name '*.test.js' -type f | LC_ALL=C sort) packages/emulator/test/*.test.js; fi
# Four files at a time on any machine: much of the suite waits (on subprocesses, browsers, timers
# of the retry tests), so more files than cores keep both cores of a small CI machine busy.
if [ -z "$TINK_TEST_IN_DBUS" ] && [ -z "$DBUS_SESSION_BUS_ADDRESS" ] \
  && command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  export TINK_TEST_IN_DBUS=1
  # XDG_DATA_HOME: a fresh keyring folder, so a keyring left in $HOME with another password
  # cannot make the collection locked.
  exec dbus-run-session -- sh -c '
    export XDG_DATA_HOME="$(mktemp -d)"
    printf "tink-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    sh scripts/test.sh "$@"; rc=$?; rm -rf "$XDG_DATA_HOME"; exit $rc' sh "$@"
fi
if [ -t 1 ]; then reporter=spec; else reporter=dot; fi
tap="$(mktemp)"
set +e
node --test --test-concurrency=4 --test-reporter="$reporter" --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" "$@"
rc=$?
grep -E '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$tap"
rm -f "$tap"
exit $rc
