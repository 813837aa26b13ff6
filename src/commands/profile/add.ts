import {Args, Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {keychainOrFile, loginKeychain, saveOrAsk} from '../../lib/cli/keychain-fallback.js'
import {askProfile, givenAnswers} from '../../lib/cli/login-wizard.js'
import {formatFields} from '../../lib/cli/output.js'
import {canPrompt} from '../../lib/cli/prompt.js'
import {usageError} from '../../lib/errors/cli-error.js'
import {addProfile, checkSavable, type AddPrompts, type VerifyRun} from '../../lib/services/profile/add.js'

interface SavedProfile {
  name: string
  active: boolean
  clientId: string
  region?: string
  baseUrl?: string
  market?: string
  locale?: string
  redirectUri?: string
  storage: string
  secretStoredIn: string
  verified: boolean
}

export default class ProfileAdd extends command({
  flags: {
    market: Flags.string({char: 'm', description: 'Default market for this profile (ISO 3166-1 alpha-2, e.g. GB).'}),
    locale: Flags.string({char: 'l', description: 'Default locale for this profile (e.g. en_US).'}),
    'redirect-uri': Flags.string({description: 'Default Tink Link redirect URI for this profile.'}),
    'insecure-storage': Flags.boolean({
      description: "Keep this profile's secret and tokens in a separate 0600 file instead of the OS keychain (warned about on every use).",
    }),
    'no-verify': Flags.boolean({description: 'Save without checking the credentials against the API.'}),
    force: Flags.boolean({char: 'f', description: 'Replace a profile of the same name.'}),
    use: Flags.boolean({description: 'Make it the active profile (the first profile always is).'}),
  },
  args: {
    name: Args.string({description: 'Profile name (letters, digits, ".", "_", "-"). Default: default.'}),
  },
  usesProfiles: false,
}) {
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

  protected async main(f: Factory): Promise<Outcome<SavedProfile>> {
    const {flags} = this
    const store = f.profiles()
    const storage = flags['insecure-storage'] ? 'file' : 'keychain'
    checkSavable(store, storage)
    const given = givenAnswers(flags, this.args.name)
    // Only standard input counts: an env secret or another profile's must not be copied silently.
    const secret = await f.settings().get('clientSecret')
    if (secret?.source === 'stdin') given.clientSecret = secret.value
    const wizard = (!given.clientId || !given.clientSecret) && canPrompt(f.io)
    if (!wizard && !given.clientId)
      throw usageError('--client-id is required (no terminal to ask on)', 'Add --client-id ID and pipe the secret to --client-secret-stdin')
    if (!wizard && !given.clientSecret) {
      throw usageError(
        'The client secret is required on standard input (no terminal to ask on)',
        `Pipe it in: printf '%s' "$SECRET" | tink profile add NAME --client-id ID --client-secret-stdin`,
      )
    }
    const prompts: AddPrompts = {
      storage: (dir, name) => keychainOrFile(f, dir, name),
      answers: (answersGiven, checks) => askProfile(f.io, answersGiven, checks),
      save: (dir, input, save) => saveOrAsk(f, dir, input, save),
    }
    const runWith = (layers: Parameters<typeof f.withLayers>[0]): VerifyRun => {
      const run = f.withLayers(layers)
      return {settings: () => run.settings(), baseUrl: () => run.run.baseUrl(), http: () => run.http(), close: () => run.close()}
    }
    const {profile, secretStore} = await addProfile(
      {
        given,
        storage,
        replace: flags.force,
        verify: !flags['no-verify'],
        makeActive: flags.use,
        allowInsecureHttp: Boolean(flags['allow-insecure-http']),
        origins: {region: flags.region !== undefined ? 'flag --region' : undefined, baseUrl: flags['base-url'] !== undefined ? 'flag --base-url' : undefined},
      },
      {
        store,
        keychain: loginKeychain(),
        prompts: wizard ? prompts : undefined,
        runWith,
        note: (line) => f.print.note(line),
        warn: (line) => f.print.warnLine(line),
      },
    )
    f.print.out(
      formatFields([
        ['saved', `profile ${profile.name}${profile.active ? ' (active)' : ''}`],
        ['api', profile.baseUrl ?? `region ${profile.region}`],
        ...(profile.linkBaseUrl ? [['tink link', profile.linkBaseUrl] as [string, string]] : []),
        ['client id', profile.clientId],
        ['secret', secretStore.where],
        ['verified', flags['no-verify'] ? 'no (--no-verify)' : 'yes'],
      ]),
    )
    if (!profile.active) f.print.note(`Use it with --profile ${profile.name}, or make it the default: tink profile use ${profile.name}`)
    return {
      result: {
        name: profile.name,
        active: profile.active,
        clientId: profile.clientId,
        region: profile.region,
        baseUrl: profile.baseUrl,
        market: profile.market,
        locale: profile.locale,
        redirectUri: profile.redirectUri,
        storage: profile.storage,
        secretStoredIn: secretStore.where,
        verified: !flags['no-verify'],
      },
    }
  }
}
