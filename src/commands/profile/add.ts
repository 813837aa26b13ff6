import {Args} from '@oclif/core'
import {profileAdd, profileAddFlags} from '../../lib/actions/profile-add.js'
import {commandOf} from '../../lib/cli/base-command.js'

const args = {
  name: Args.string({description: 'Profile name (letters, digits, ".", "_", "-"). Default: default.'}),
}

export default class ProfileAdd extends commandOf(profileAdd, {flags: profileAddFlags, args, usesProfiles: false}) {
  static override summary = 'Save a profile: client id and Tink defaults in the config file, the secret in the OS keychain.'
  static override description = `On a terminal, a wizard asks for what the flags did not give: profile name, region (EU, US or a custom API URL), client id, client secret (masked), default market, locale and Tink Link redirect URI. Without a terminal it never prompts: give NAME, --client-id and the secret on standard input (--client-secret-stdin).
The credentials are checked by fetching a client token before anything is saved (--no-verify skips that), from the API later commands with this profile will use: env TINK_API_URL or TINK_REGION, when set, win over the saved region, as for every command. The secret goes to the OS keychain; where there is none, --insecure-storage keeps it in a separate 0600 file instead (never the config file). The first profile becomes the active one.`

  static override examples = [
    {description: 'Interactive set-up', command: '<%= config.bin %> login'},
    {
      description:
        'Scripted, the secret on standard input: a profile for the API at $TINK_API_URL (a proxy, or the local emulator; use --region us for Tink US)',
      command: 'printf \'%s\' "$SECRET" | <%= config.bin %> profile add staging --base-url "$TINK_API_URL" --client-id "$CLIENT_ID" --client-secret-stdin',
    },
    {
      description: 'A headless server with no keychain (secret in a 0600 file)',
      command:
        'printf \'%s\' "$SECRET" | <%= config.bin %> profile add ci --base-url "$TINK_API_URL" --client-id "$CLIENT_ID" --client-secret-stdin --insecure-storage',
    },
  ]
}
