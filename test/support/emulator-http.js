// What a client of the emulator does over HTTP (a client token, a user, a delegated code, the
// Tink Link page): the emulator package's own helpers, shared rather than copied.
export * from '../../packages/emulator/test/support/http.js'
