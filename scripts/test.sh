#!/bin/sh
# The test suite, as `npm test` runs it: build, then Node's test runner over test/*.test.js and
# the emulator package's packages/emulator/test/*.test.js (or the files given). Keychain tests need a Secret Service: when this machine has
# dbus-run-session and gnome-keyring but no session bus, the run happens inside a private D-Bus
# session with an unlocked, throwaway gnome-keyring (as in CI), never a real desktop keyring.
set -e
cd "$(dirname "$0")/.."
npm run build --silent
if [ $# -eq 0 ]; then set -- test/*.test.js packages/emulator/test/*.test.js; fi
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
    node --test --test-concurrency=4 "$@"; rc=$?; rm -rf "$XDG_DATA_HOME"; exit $rc' sh "$@"
fi
exec node --test --test-concurrency=4 "$@"
