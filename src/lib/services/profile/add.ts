/**
 * `tink login` / `tink profile add`: check a client's credentials, then save them as a profile
 * (the secret in the keychain or the file store, the rest in the config file). The questions, the
 * keychain and the run the credentials are checked through come in as arguments: the command
 * gives the wizard on a terminal (cli/login-wizard.ts, cli/keychain-fallback.ts), none in a script.
 */
import type {ProfileAnswers, WizardAnswers, WizardChecks} from '../../cli/login-wizard.js'
import {derivedLinkUrl} from '../../cli/login-wizard.js'
import {saveProfile, type NewProfile} from '../../config/profile-save.js'
import type {Profile, ProfileStore} from '../../config/profiles.js'
import type {SettingsLayer, SettingsResolver} from '../../config/settings.js'
import {CliError, ExitCode, usageError} from '../../errors/cli-error.js'
import type {HttpClient} from '../../http/client.js'
import {accounts, type SecretStore, type StorageKind} from '../../secrets/keychain.js'
import {TinkApi} from '../../tink/api.js'
import {checkBaseUrl, checkLocale, checkMarket} from '../../tink/validate.js'

/** Throws what saving would fail on (a config folder it cannot write, a link in place of the secrets file), before anything is asked or sent. */
export {checkSavable} from '../../config/profile-save.js'

export interface AddOptions {
  /** What flags and standard input gave, checked. Without prompts, the name defaults to "default" and the client id and secret must be here. */
  given: ProfileAnswers
  /** Where the secret goes: 'file' only when asked for (--insecure-storage). */
  storage: StorageKind
  /** Replace a profile of the same name. */
  replace: boolean
  /** Fetch a client token with the credentials before anything is saved. */
  verify: boolean
  /** Make it the active profile (the first profile always is). */
  makeActive: boolean
  allowInsecureHttp: boolean
  /** Where the given region and API URL came from ("flag --region"), for the note that says what is verified against. */
  origins: {region?: string; baseUrl?: string}
}

/** The questions, on a terminal. */
export interface AddPrompts {
  /** Before any question: where the secret can go ('keychain' when it can store one; else 'file' if the person agrees). */
  storage(dir: string, name: string): Promise<StorageKind>
  /** What `given` lacks; `checks.credentials` verifies at once, so a refused secret is asked again. */
  answers(given: ProfileAnswers, checks: WizardChecks): Promise<WizardAnswers>
  /** Runs `save`; if the keychain refuses the secret after all, asks how to go on (the file store, a retry). */
  save<T>(dir: string, input: NewProfile, save: () => Promise<T>): Promise<T>
}

/** A run whose settings come from `layers` under env (the API a later command with the profile would use). */
export interface VerifyRun {
  settings(): SettingsResolver
  baseUrl(): Promise<string>
  http(): Promise<HttpClient>
  close(): Promise<void>
}

export interface AddDeps {
  store: ProfileStore
  /** The OS keychain: a probe item is written and deleted before any request, when the secret is to go there. */
  keychain: {checkWritable(account: string, action: string): Promise<void>}
  /** On a terminal, when flags and standard input did not give the credentials. */
  prompts?: AddPrompts
  runWith: (layers: SettingsLayer[]) => VerifyRun
  /** Messages for people (stderr). */
  note: (line: string) => void
  warn: (line: string) => void
}

export interface AddResult {
  profile: Profile
  secretStore: SecretStore
}

export async function addProfile(o: AddOptions, d: AddDeps): Promise<AddResult> {
  const {store, prompts} = d
  let storage = o.storage
  let replace = o.replace
  let verified = false
  let answers: ProfileAnswers
  // On a terminal the keychain is tried before any question: a person should not type every
  // answer to learn at the end that the secret has nowhere to go.
  if (prompts && storage === 'keychain') storage = await prompts.storage(store.dir, o.given.name ?? '(login)')
  if (prompts) {
    const asked = await prompts.answers(o.given, {
      exists: (n) => store.has(n) && !o.replace,
      baseUrl: (v) => checkBaseUrl(v, 'the API base URL', o.allowInsecureHttp),
      market: (v) => checkMarket(v),
      locale: (v) => checkLocale(v),
      credentials: o.verify
        ? async (a) => {
            const region = a.baseUrl && !a.region ? undefined : (a.region ?? 'eu')
            await verify(d, a, {region, baseUrl: a.baseUrl}, verifyOrigins(o, a))
            verified = true
          }
        : undefined,
    })
    replace ||= asked.replace
    answers = asked
  } else {
    if (!o.given.clientId || !o.given.clientSecret) throw new Error('addProfile: without prompts the client id and secret must be given')
    answers = {...o.given, name: o.given.name ?? 'default'}
  }
  const name = answers.name ?? 'default'
  if (store.has(name) && !replace) throw usageError(`Profile "${name}" already exists; nothing changed`, 'Pass --force to replace it, or choose another name')
  const region = answers.baseUrl && !answers.region ? undefined : (answers.region ?? 'eu')
  const clientId = answers.clientId as string
  const clientSecret = answers.clientSecret as string

  // Try the keychain first: if it cannot save (absent, or locked: a locked gnome-keyring still
  // answers reads), say so before any request is sent.
  if (storage === 'keychain' && !prompts) await d.keychain.checkWritable(accounts.probe(name), `save the client secret of profile "${name}" in the OS keychain`)
  if (o.verify && !verified) await verify(d, {clientId, clientSecret}, {region, baseUrl: answers.baseUrl}, verifyOrigins(o, answers))
  let linkBaseUrl = answers.linkBaseUrl
  if (answers.baseUrl && !linkBaseUrl) {
    linkBaseUrl = derivedLinkUrl(answers.baseUrl)
    d.note(
      linkBaseUrl
        ? `Tink Link URLs of this profile point at ${linkBaseUrl} (the emulator serves Tink Link at its API URL); change it with tink profile set ${name} link-base-url URL`
        : `Tink Link URLs of this profile point at https://link.tink.com (the default); set another with tink profile set ${name} link-base-url URL`,
    )
  }

  const input: NewProfile = {
    name,
    clientId,
    clientSecret,
    region,
    baseUrl: answers.baseUrl,
    linkBaseUrl,
    market: answers.market,
    locale: answers.locale,
    redirectUri: answers.redirectUri,
    storage,
  }
  const save = () => saveProfile(store, input, {replace, makeActive: o.makeActive, warn: d.warn})
  return prompts ? prompts.save(store.dir, input, save) : save()
}

/**
 * Fetches a client token with the new credentials, through the same HTTP client as every
 * command, from the API a later command with this profile would use: env TINK_API_URL and
 * TINK_REGION over what the profile saves, then the defaults (one resolver, same precedence).
 */
async function verify(
  d: AddDeps,
  credentials: {clientId: string; clientSecret: string},
  saved: {region?: string; baseUrl?: string},
  origins: {region: string; baseUrl: string},
): Promise<void> {
  const {clientId, clientSecret} = credentials
  const run = d.runWith([
    {
      source: 'profile',
      get: (key) => (key === 'baseUrl' ? saved.baseUrl : key === 'region' ? saved.region : undefined),
      describe: (key) => (key === 'baseUrl' ? origins.baseUrl : origins.region),
    },
  ])
  const url = await run.baseUrl()
  d.note(`Verifying against ${url} (${await describeApi(run.settings(), saved)})`)
  try {
    const api = new TinkApi({http: await run.http(), credentials: async () => ({clientId, clientSecret})})
    await api.clientToken()
    d.note(`Verified: ${url} issued a client token for ${clientId}`)
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
    await run.close()
  }
}

/** Where the URL came from; an env override is named with what the profile itself saves. */
async function describeApi(settings: SettingsResolver, saved: {region?: string; baseUrl?: string}): Promise<string> {
  const explicit = await settings.get('baseUrl')
  const region = await settings.get('region')
  const from = explicit ? explicit.origin : `region ${region?.value ?? 'eu'}, ${region?.origin ?? 'the default'}`
  const winner = explicit ?? region
  if (winner?.source === 'env') return `${from}, which overrides the profile's ${describeSaved(saved)} while it is set`
  return from
}

function describeSaved(saved: {region?: string; baseUrl?: string}): string {
  return saved.baseUrl ? `API ${saved.baseUrl}` : `region ${saved.region ?? 'eu'}`
}

/** Where the API the credentials are checked against came from, for the verify note. */
function verifyOrigins(o: AddOptions, answers: {region?: string}): {region: string; baseUrl: string} {
  return {
    region: o.origins.region ?? (answers.region ? 'chosen in the wizard' : 'the default'),
    baseUrl: o.origins.baseUrl ?? 'entered in the wizard',
  }
}
