#!/bin/sh
# Runs a command where the OS keychain answers: as is when a D-Bus session exists; otherwise,
# when this machine has dbus-run-session and gnome-keyring, inside a private D-Bus session with
# an unlocked, throwaway gnome-keyring (never a real desktop keyring). Used by the startup
# benchmark (its cached-token cases read the keychain); scripts/test.sh does the same inline.
# Usage: sh scripts/keyring-session.sh COMMAND [ARGS...]
if [ -z "$DBUS_SESSION_BUS_ADDRESS" ] && command -v dbus-run-session >/dev/null 2>&1 \
  && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  # XDG_DATA_HOME: a fresh keyring folder, so a keyring left in $HOME with another password
  # cannot make the collection locked.
  exec dbus-run-session -- sh -c '
    export XDG_DATA_HOME="$(mktemp -d)"
    printf "tink-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    "$@"; rc=$?; rm -rf "$XDG_DATA_HOME"; exit $rc' sh "$@"
fi
exec "$@"
