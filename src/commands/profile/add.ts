import {Args, Flags} from '@oclif/core'
import {TinkCommand} from '../../lib/base-command.js'
import {Context} from '../../lib/context.js'
import {CliError, ExitCode, usageError} from '../../lib/errors.js'
import {formatFields} from '../../lib/output.js'
import {accounts} from '../../lib/keychain.js'
import {askProfile, checkProfileName, saveProfile, sharedKeychain, type ProfileAnswers} from '../../lib/profiles.js'
import {canPrompt} from '../../lib/prompt.js'
import {TinkApi} from '../../lib/tink.js'
import {checkBaseUrl, checkLocale, checkMarket, checkRegion} from '../../lib/validate.js'

export interface SavedProfile {
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

export default class ProfileAdd extends TinkCommand<typeof ProfileAdd> {
  static override summary = 'Save a profile: client id and Tink defaults in the config file, the secret in the OS keychain.'
  static override description = `On a terminal, a wizard asks for what the flags did not give: profile name, region (EU, US or a custom API URL), client id, client secret (masked), default market, locale and Tink Link redirect URI. Without a terminal it never prompts: give NAME, --client-id and the secret on standard input (--client-secret-stdin).
The credentials are checked by fetching a client token before anything is saved (--no-verify skips that), from the API later commands with this profile will use: env TINK_API_URL or TINK_REGION, when set, win over the saved region, as for every command. The secret goes to the OS keychain; where there is none, --insecure-storage keeps it in a separate 0600 file instead (never the config file). The first profile becomes the active one.`

  static override examples = [
    {description: 'Interactive set-up', command: '<%= config.bin %> login'},
    {description: 'Scripted, the secret on standard input: a profile for the API at $TINK_API_URL (a proxy, or the local emulator; use --region us for Tink US)', command: 'printf \'%s\' "$SECRET" | <%= config.bin %> profile add staging --base-url "$TINK_API_URL" --client-id "$CLIENT_ID" --client-secret-stdin'},
    {description: 'A headless server with no keychain (secret in a 0600 file)', command: 'printf \'%s\' "$SECRET" | <%= config.bin %> profile add ci --base-url "$TINK_API_URL" --client-id "$CLIENT_ID" --client-secret-stdin --insecure-storage'},
  ]

  static override args = {
    name: Args.string({description: 'Profile name (letters, digits, ".", "_", "-"). Default: default.'}),
  }

  static override flags = {
    market: Flags.string({char: 'm', description: 'Default market for this profile (ISO 3166-1 alpha-2, e.g. GB).'}),
    locale: Flags.string({char: 'l', description: 'Default locale for this profile (e.g. en_US).'}),
    'redirect-uri': Flags.string({description: 'Default Tink Link redirect URI for this profile.'}),
    'insecure-storage': Flags.boolean({description: "Keep this profile's secret and tokens in a separate 0600 file instead of the OS keychain (warned about on every use)."}),
    'no-verify': Flags.boolean({description: 'Save without checking the credentials against the API.'}),
    force: Flags.boolean({char: 'f', description: 'Replace a profile of the same name.'}),
    use: Flags.boolean({description: 'Make it the active profile (the first profile always is).'}),
  }

  protected override usesProfiles = false

  async run(): Promise<SavedProfile> {
    const {flags} = this
    const given: ProfileAnswers = {
      name: this.args.name === undefined ? undefined : checkProfileName(this.args.name),
      region: flags.region === undefined ? undefined : checkRegion(flags.region),
      baseUrl: flags['base-url'] === undefined ? undefined : checkBaseUrl(flags['base-url'], '--base-url', flags['allow-insecure-http']),
      clientId: flags['client-id']?.trim() || undefined,
      market: flags.market === undefined ? undefined : checkMarket(flags.market),
      locale: flags.locale === undefined ? undefined : checkLocale(flags.locale),
      redirectUri: flags['redirect-uri'] === undefined ? undefined : checkRedirect(flags['redirect-uri']),
    }
    // Only standard input counts: an env secret or another profile's must not be copied silently.
    const secret = await this.ctx.settings.get('clientSecret')
    if (secret?.source === 'stdin') given.clientSecret = secret.value

    let replace = flags.force
    let answers: ProfileAnswers
    if ((!given.clientId || !given.clientSecret) && canPrompt(this.io)) {
      const wizard = await askProfile(this.io, given, {
        exists: (n) => this.profiles.has(n) && !flags.force,
        baseUrl: (v) => checkBaseUrl(v, 'the API base URL', flags['allow-insecure-http']),
        market: (v) => checkMarket(v),
        locale: (v) => checkLocale(v),
      })
      replace ||= wizard.replace
      answers = wizard
    } else {
      if (!given.clientId) throw usageError('--client-id is required (no terminal to ask on)', 'Add --client-id ID and pipe the secret to --client-secret-stdin')
      if (!given.clientSecret) {
        throw usageError('The client secret is required on standard input (no terminal to ask on)', `Pipe it in: printf '%s' "$SECRET" | tink profile add NAME --client-id ID --client-secret-stdin`)
      }
      answers = {...given, name: given.name ?? 'default'}
    }
    const name = answers.name ?? 'default'
    if (this.profiles.has(name) && !replace) throw usageError(`Profile "${name}" already exists; nothing changed`, 'Pass --force to replace it, or choose another name')
    const region = answers.baseUrl && !answers.region ? undefined : (answers.region ?? 'eu')

    const storage = flags['insecure-storage'] ? 'file' : 'keychain'
    // Try the keychain first: if it cannot save (absent, or locked: a locked gnome-keyring still
    // answers reads), say so before any request is sent.
    if (storage === 'keychain') await sharedKeychain().checkWritable(accounts.probe(name), `save the client secret of profile "${name}" in the OS keychain`)
    if (!flags['no-verify']) {
      const origins = {
        region: flags.region !== undefined ? 'flag --region' : answers.region ? 'chosen in the wizard' : 'the default',
        baseUrl: flags['base-url'] !== undefined ? 'flag --base-url' : 'entered in the wizard',
      }
      await this.verify(answers.clientId as string, answers.clientSecret as string, {region, baseUrl: answers.baseUrl}, origins)
    }

    const {profile, secretStore} = await saveProfile(
      this.profiles,
      {
        name,
        clientId: answers.clientId as string,
        clientSecret: answers.clientSecret as string,
        region,
        baseUrl: answers.baseUrl,
        market: answers.market,
        locale: answers.locale,
        redirectUri: answers.redirectUri,
        storage,
      },
      {replace, makeActive: flags.use, warn: (line) => this.warnLine(line)},
    )
    this.out(
      formatFields([
        ['saved', `profile ${profile.name}${profile.active ? ' (active)' : ''}`],
        ['api', profile.baseUrl ?? `region ${profile.region}`],
        ['client id', profile.clientId],
        ['secret', secretStore.where],
        ['verified', flags['no-verify'] ? 'no (--no-verify)' : 'yes'],
      ]),
    )
    if (!profile.active) this.note(`Use it with --profile ${profile.name}, or make it the default: tink profile use ${profile.name}`)
    return {
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
    }
  }

  /**
   * Fetches a client token with the new credentials, through the same HTTP client as every
   * command, from the API a later command with this profile would use: env TINK_API_URL and
   * TINK_REGION over what the profile saves, then the defaults (one resolver, same precedence).
   */
  private async verify(
    clientId: string,
    clientSecret: string,
    saved: {region?: string; baseUrl?: string},
    origins: {region: string; baseUrl: string},
  ): Promise<void> {
    const ctx = new Context({
      io: this.io,
      flags: {'allow-insecure-http': this.flags['allow-insecure-http'], timeout: this.flags.timeout, retries: this.flags.retries, verbose: this.flags.verbose},
      version: this.config.version,
      signal: this.signal,
      profileLayers: [
        {
          source: 'profile',
          get: (key) => (key === 'baseUrl' ? saved.baseUrl : key === 'region' ? saved.region : undefined),
          describe: (key) => (key === 'baseUrl' ? origins.baseUrl : origins.region),
        },
      ],
    })
    const url = await ctx.baseUrl()
    this.note(`Verifying against ${url} (${await this.describeApi(ctx, saved)})`)
    try {
      const api = new TinkApi({http: await ctx.http(), credentials: async () => ({clientId, clientSecret})})
      await api.clientToken()
      this.note(`Verified: ${url} issued a client token for ${clientId}`)
    } catch (err) {
      if (err instanceof CliError && err.status !== undefined && err.status < 500 && err.status !== 429) {
        throw new CliError(`${url} refused client id "${clientId}" with that secret: ${err.message}; nothing was saved`, {
          exitCode: ExitCode.AUTH,
          status: err.status,
          code: err.code ?? 'invalid_client',
          requestId: err.requestId,
          hint: 'Check the client id, secret and region in Tink Console, then try again',
        })
      }
      if (err instanceof CliError) {
        throw new CliError(`Could not verify the credentials against ${url}: ${err.message}; nothing was saved`, {
          exitCode: err.exitCode,
          status: err.status,
          code: err.code,
          requestId: err.requestId,
          hint: 'Check the network and the region or --base-url, or pass --no-verify to save without checking',
        })
      }
      throw err
    } finally {
      await ctx.close()
    }
  }

  /** Where the URL came from; an env override is named with what the profile itself saves. */
  private async describeApi(ctx: Context, saved: {region?: string; baseUrl?: string}): Promise<string> {
    const explicit = await ctx.settings.get('baseUrl')
    const region = await ctx.settings.get('region')
    const from = explicit ? explicit.origin : `region ${region?.value ?? 'eu'}, ${region?.origin ?? 'the default'}`
    const winner = explicit ?? region
    if (winner?.source === 'env') return `${from}, which overrides the profile's ${describeSaved(saved)} while it is set`
    return from
  }
}

function describeSaved(saved: {region?: string; baseUrl?: string}): string {
  return saved.baseUrl ? `API ${saved.baseUrl}` : `region ${saved.region ?? 'eu'}`
}

function checkRedirect(value: string): string {
  if (!URL.canParse(value.trim())) throw usageError(`Invalid --redirect-uri "${value}"`, 'Give an absolute URL registered for your app, e.g. https://example.com/callback')
  return value.trim()
}
