/** `tink login` / `tink profile add`: check a client's credentials, then save them as a profile. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {askProfile, derivedLinkUrl, type ProfileAnswers} from '../cli/login-wizard.js'
import {keychainOrFile, saveOrAsk} from '../cli/keychain-fallback.js'
import {formatFields} from '../cli/output.js'
import {canPrompt} from '../cli/prompt.js'
import {checkSavable, saveProfile} from '../config/profile-save.js'
import {checkProfileName} from '../config/profiles.js'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import {accounts, type StorageKind} from '../secrets/keychain.js'
import {sharedKeychain} from '../secrets/stores.js'
import {TinkApi} from '../tink/api.js'
import {checkBaseUrl, checkLocale, checkMarket, checkRegion} from '../tink/validate.js'

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

export const profileAddFlags = {
  market: Flags.string({char: 'm', description: 'Default market for this profile (ISO 3166-1 alpha-2, e.g. GB).'}),
  locale: Flags.string({char: 'l', description: 'Default locale for this profile (e.g. en_US).'}),
  'redirect-uri': Flags.string({description: 'Default Tink Link redirect URI for this profile.'}),
  'insecure-storage': Flags.boolean({
    description: "Keep this profile's secret and tokens in a separate 0600 file instead of the OS keychain (warned about on every use).",
  }),
  'no-verify': Flags.boolean({description: 'Save without checking the credentials against the API.'}),
  force: Flags.boolean({char: 'f', description: 'Replace a profile of the same name.'}),
  use: Flags.boolean({description: 'Make it the active profile (the first profile always is).'}),
}
export async function profileAdd(f: Factory, flags: CommandFlags<typeof profileAddFlags>, args: {name?: string}): Promise<Outcome<SavedProfile>> {
  const store = f.profiles()
  checkSavable(store, flags['insecure-storage'] ? 'file' : 'keychain')
  // `tink login -p NAME` names the profile as surely as `tink login NAME` does.
  if (args.name !== undefined && flags.profile !== undefined && args.name !== flags.profile) {
    throw usageError(`Two profile names given: "${args.name}" and -p "${flags.profile}"`, 'Give the name once, e.g. tink login NAME')
  }
  const named = args.name ?? flags.profile
  const given: ProfileAnswers = {
    name: named === undefined ? undefined : checkProfileName(named),
    region: flags.region === undefined ? undefined : checkRegion(flags.region),
    baseUrl: flags['base-url'] === undefined ? undefined : checkBaseUrl(flags['base-url'], '--base-url', flags['allow-insecure-http']),
    clientId: flags['client-id']?.trim() || undefined,
    market: flags.market === undefined ? undefined : checkMarket(flags.market),
    locale: flags.locale === undefined ? undefined : checkLocale(flags.locale),
    redirectUri: flags['redirect-uri'] === undefined ? undefined : checkRedirect(flags['redirect-uri']),
  }
  // Only standard input counts: an env secret or another profile's must not be copied silently.
  const secret = await f.settings().get('clientSecret')
  if (secret?.source === 'stdin') given.clientSecret = secret.value

  let replace = flags.force
  let verified = false
  let answers: ProfileAnswers
  let storage: StorageKind = flags['insecure-storage'] ? 'file' : 'keychain'
  const wizard = (!given.clientId || !given.clientSecret) && canPrompt(f.io)
  // On a terminal the keychain is tried before any question: a person should not type every
  // answer to learn at the end that the secret has nowhere to go.
  if (wizard && storage === 'keychain') storage = await keychainOrFile(f, store.dir, given.name ?? '(login)')
  if (wizard) {
    const wizard = await askProfile(f.io, given, {
      exists: (n) => store.has(n) && !flags.force,
      baseUrl: (v) => checkBaseUrl(v, 'the API base URL', flags['allow-insecure-http']),
      market: (v) => checkMarket(v),
      locale: (v) => checkLocale(v),
      credentials: flags['no-verify']
        ? undefined
        : async (a) => {
            const region = a.baseUrl && !a.region ? undefined : (a.region ?? 'eu')
            await verify(f, a.clientId, a.clientSecret, {region, baseUrl: a.baseUrl}, verifyOrigins(flags, a))
            verified = true
          },
    })
    replace ||= wizard.replace
    answers = wizard
  } else {
    if (!given.clientId) throw usageError('--client-id is required (no terminal to ask on)', 'Add --client-id ID and pipe the secret to --client-secret-stdin')
    if (!given.clientSecret) {
      throw usageError(
        'The client secret is required on standard input (no terminal to ask on)',
        `Pipe it in: printf '%s' "$SECRET" | tink profile add NAME --client-id ID --client-secret-stdin`,
      )
    }
    answers = {...given, name: given.name ?? 'default'}
  }
  const name = answers.name ?? 'default'
  if (store.has(name) && !replace) throw usageError(`Profile "${name}" already exists; nothing changed`, 'Pass --force to replace it, or choose another name')
  const region = answers.baseUrl && !answers.region ? undefined : (answers.region ?? 'eu')

  // Try the keychain first: if it cannot save (absent, or locked: a locked gnome-keyring still
  // answers reads), say so before any request is sent.
  if (storage === 'keychain' && !wizard)
    await sharedKeychain().checkWritable(accounts.probe(name), `save the client secret of profile "${name}" in the OS keychain`)
  if (!flags['no-verify'] && !verified) {
    await verify(f, answers.clientId as string, answers.clientSecret as string, {region, baseUrl: answers.baseUrl}, verifyOrigins(flags, answers))
  }
  let linkBaseUrl = answers.linkBaseUrl
  if (answers.baseUrl && !linkBaseUrl) {
    linkBaseUrl = derivedLinkUrl(answers.baseUrl)
    f.print.note(
      linkBaseUrl
        ? `Tink Link URLs of this profile point at ${linkBaseUrl} (the emulator serves Tink Link at its API URL); change it with tink profile set ${name} link-base-url URL`
        : `Tink Link URLs of this profile point at https://link.tink.com (the default); set another with tink profile set ${name} link-base-url URL`,
    )
  }

  const input = {
    name,
    clientId: answers.clientId as string,
    clientSecret: answers.clientSecret as string,
    region,
    baseUrl: answers.baseUrl,
    linkBaseUrl,
    market: answers.market,
    locale: answers.locale,
    redirectUri: answers.redirectUri,
    storage,
  }
  const save = () => saveProfile(store, input, {replace, makeActive: flags.use, warn: (line) => f.print.warnLine(line)})
  const {profile, secretStore} = wizard ? await saveOrAsk(f, store.dir, input, save) : await save()
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

/**
 * Fetches a client token with the new credentials, through the same HTTP client as every
 * command, from the API a later command with this profile would use: env TINK_API_URL and
 * TINK_REGION over what the profile saves, then the defaults (one resolver, same precedence).
 */
async function verify(
  f: Factory,
  clientId: string,
  clientSecret: string,
  saved: {region?: string; baseUrl?: string},
  origins: {region: string; baseUrl: string},
): Promise<void> {
  const ctx = f.withLayers([
    {
      source: 'profile',
      get: (key) => (key === 'baseUrl' ? saved.baseUrl : key === 'region' ? saved.region : undefined),
      describe: (key) => (key === 'baseUrl' ? origins.baseUrl : origins.region),
    },
  ])
  const url = await ctx.run.baseUrl()
  f.print.note(`Verifying against ${url} (${await describeApi(ctx, saved)})`)
  try {
    const api = new TinkApi({http: await ctx.http(), credentials: async () => ({clientId, clientSecret})})
    await api.clientToken()
    f.print.note(`Verified: ${url} issued a client token for ${clientId}`)
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
async function describeApi(ctx: Factory, saved: {region?: string; baseUrl?: string}): Promise<string> {
  const explicit = await ctx.settings().get('baseUrl')
  const region = await ctx.settings().get('region')
  const from = explicit ? explicit.origin : `region ${region?.value ?? 'eu'}, ${region?.origin ?? 'the default'}`
  const winner = explicit ?? region
  if (winner?.source === 'env') return `${from}, which overrides the profile's ${describeSaved(saved)} while it is set`
  return from
}

function describeSaved(saved: {region?: string; baseUrl?: string}): string {
  return saved.baseUrl ? `API ${saved.baseUrl}` : `region ${saved.region ?? 'eu'}`
}

function checkRedirect(value: string): string {
  if (!URL.canParse(value.trim()))
    throw usageError(`Invalid --redirect-uri "${value}"`, 'Give an absolute URL registered for your app, e.g. https://example.com/callback')
  return value.trim()
}

/** Where the API the credentials are checked against came from, for the verify note. */
function verifyOrigins(flags: {region?: string; 'base-url'?: string}, answers: {region?: string}): {region: string; baseUrl: string} {
  return {
    region: flags.region !== undefined ? 'flag --region' : answers.region ? 'chosen in the wizard' : 'the default',
    baseUrl: flags['base-url'] !== undefined ? 'flag --base-url' : 'entered in the wizard',
  }
}
