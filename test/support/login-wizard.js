// The keys a person types into `tink login` (the wizard, on a pseudo-terminal: driveTerminal in
// test/support/cli.js) for a profile on a custom API URL, each sent once its prompt shows.
export const ENTER = '\r'
export const DOWN = '\x1b[B'

/** Every answer of the wizard for profile `name` at `url` (US, then Custom), defaults elsewhere. */
export const customApiSteps = ({name, url, clientId, secret}) => [
  {expect: 'Profile name', keys: name + ENTER},
  {expect: 'Region', keys: DOWN},
  {expect: 'US (api.us.tink.com)', keys: DOWN},
  {expect: 'Custom API base URL', keys: ENTER},
  {expect: 'API base URL', keys: url + ENTER},
  {expect: 'Tink Link base URL', keys: ENTER},
  {expect: 'Client id', keys: clientId + ENTER},
  {expect: 'Client secret', keys: secret + ENTER},
  {expect: 'Default market', keys: ENTER},
  {expect: 'Default locale', keys: ENTER},
  {expect: 'Redirect URI', keys: ENTER},
]
