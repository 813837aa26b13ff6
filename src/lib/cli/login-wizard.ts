/**
 * `tink login` on a terminal: asks only for what flags and stdin did not give. Prompts go to
 * stderr (stdout stays for the result); inquirer loads here and nowhere on the scripted path.
 */
import {checkProfileName} from '../config/profiles.js'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import {defaultLocale} from '../tink/markets.js'
import {checkBaseUrl, checkLocale, checkMarket, checkRegion} from '../tink/validate.js'

const MAX_CREDENTIAL_TRIES = 3

export interface ProfileAnswers {
  name?: string
  region?: string
  baseUrl?: string
  linkBaseUrl?: string
  clientId?: string
  clientSecret?: string
  market?: string
  locale?: string
  redirectUri?: string
}

export interface WizardIO {
  stdin: NodeJS.ReadableStream
  stderr: NodeJS.WritableStream
}

/** What the wizard checks its answers with. */
export interface WizardChecks {
  exists: (name: string) => boolean
  baseUrl: (value: string) => string
  market: (value: string) => string
  locale: (value: string) => string
  /** Checks the credentials against the API; throws a CliError with exit 3 when they are refused. */
  credentials?: (answers: {clientId: string; clientSecret: string; region?: string; baseUrl?: string}) => Promise<void>
}

/** Every answer, and whether the person agreed to replace a profile of the same name. */
export type WizardAnswers = Required<Pick<ProfileAnswers, 'name' | 'clientId' | 'clientSecret'>> & ProfileAnswers & {replace: boolean}

/** The flags of tink login / tink profile add that give an answer (the secret comes from stdin). */
export interface AnswerFlags {
  profile?: string
  region?: string
  'base-url'?: string
  'client-id'?: string
  market?: string
  locale?: string
  'redirect-uri'?: string
  'allow-insecure-http'?: boolean
}

/** The answers flags and the NAME argument give, checked as the wizard checks its own (errors name the flags). */
export function givenAnswers(flags: AnswerFlags, nameArg: string | undefined): ProfileAnswers {
  // `tink login -p NAME` names the profile as surely as `tink login NAME` does.
  if (nameArg !== undefined && flags.profile !== undefined && nameArg !== flags.profile) {
    throw usageError(`Two profile names given: "${nameArg}" and -p "${flags.profile}"`, 'Give the name once, e.g. tink login NAME')
  }
  const named = nameArg ?? flags.profile
  return {
    name: named === undefined ? undefined : checkProfileName(named),
    region: flags.region === undefined ? undefined : checkRegion(flags.region),
    baseUrl: flags['base-url'] === undefined ? undefined : checkBaseUrl(flags['base-url'], '--base-url', flags['allow-insecure-http']),
    clientId: flags['client-id']?.trim() || undefined,
    market: flags.market === undefined ? undefined : checkMarket(flags.market),
    locale: flags.locale === undefined ? undefined : checkLocale(flags.locale),
    redirectUri: flags['redirect-uri'] === undefined ? undefined : checkRedirect(flags['redirect-uri']),
  }
}

function checkRedirect(value: string): string {
  if (!URL.canParse(value.trim()))
    throw usageError(`Invalid --redirect-uri "${value}"`, 'Give an absolute URL registered for your app, e.g. https://example.com/callback')
  return value.trim()
}

export async function askProfile(io: WizardIO, given: ProfileAnswers, check: WizardChecks): Promise<WizardAnswers> {
  const {input, password, select, confirm} = await import('@inquirer/prompts')
  const ctx = {input: io.stdin, output: io.stderr}
  const valid = (fn: (v: string) => unknown) => (v: string) => {
    try {
      fn(v.trim())
      return true
    } catch (err) {
      return err instanceof CliError ? err.oneLine() : String(err)
    }
  }

  const name = given.name ?? (await input({message: 'Profile name', default: 'default', validate: valid(checkProfileName)}, ctx)).trim()
  let replace = false
  if (check.exists(name)) {
    replace = await confirm({message: `Profile "${name}" exists. Replace it?`, default: false}, ctx)
    if (!replace) throw usageError(`Profile "${name}" already exists; nothing changed`, 'Choose another name, or answer yes to replace it')
  }
  let {region, baseUrl} = given
  if (!region && !baseUrl) {
    const choice = await select(
      {
        message: 'Region',
        choices: [
          {name: 'EU (api.tink.com)', value: 'eu'},
          {name: 'US (api.us.tink.com)', value: 'us'},
          {name: 'Custom API base URL', value: 'custom'},
        ],
      },
      ctx,
    )
    if (choice === 'custom') baseUrl = check.baseUrl((await input({message: 'API base URL', validate: valid(check.baseUrl)}, ctx)).trim())
    else region = choice
  }
  // A custom API (the emulator, a proxy) has no region: without its own Tink Link URL the
  // profile would print link.tink.com URLs carrying codes that API issued. (An API URL given as
  // a flag gets its Tink Link URL derived, and said, where the profile is saved.)
  let linkBaseUrl = given.linkBaseUrl
  const askedForApi = baseUrl !== undefined && given.baseUrl === undefined
  if (askedForApi && baseUrl && !linkBaseUrl) {
    const suggested = derivedLinkUrl(baseUrl) ?? 'https://link.tink.com'
    const answer = (
      await input({message: 'Tink Link base URL (where Tink Link URLs of this profile point)', default: suggested, validate: valid(check.baseUrl)}, ctx)
    ).trim()
    linkBaseUrl = check.baseUrl(answer || suggested)
  }
  const required = (v: string) => (v.trim() ? true : 'Required')
  let clientId = given.clientId ?? (await input({message: 'Client id', validate: required}, ctx)).trim()
  let clientSecret = given.clientSecret ?? (await password({message: 'Client secret', mask: '*', validate: required}, ctx)).trim()
  // Checked at once: a refused secret is asked again (with the client id), keeping every other answer.
  for (let attempt = 1; check.credentials; attempt++) {
    try {
      await check.credentials({clientId, clientSecret, region, baseUrl})
      break
    } catch (err) {
      if (!(err instanceof CliError) || err.exitCode !== ExitCode.AUTH || attempt >= MAX_CREDENTIAL_TRIES) throw err
      io.stderr.write(`${err.message}\nTry again (attempt ${attempt + 1} of ${MAX_CREDENTIAL_TRIES}).\n`)
      clientId = (await input({message: 'Client id', default: clientId, validate: required}, ctx)).trim()
      clientSecret = (await password({message: 'Client secret', mask: '*', validate: required}, ctx)).trim()
    }
  }
  const market = given.market ?? (await input({message: 'Default market (ISO 3166-1 alpha-2)', default: 'GB', validate: valid(check.market)}, ctx)).trim()
  // The same default as user create's: the Tink locale of the market's main language (SE sv_SE), else en_US.
  const locale = given.locale ?? (await input({message: 'Default locale', default: defaultLocale(market), validate: valid(check.locale)}, ctx)).trim()
  const redirectUri =
    given.redirectUri ??
    ((
      await input(
        {
          message: 'Redirect URI for Tink Link (empty for none)',
          default: '',
          validate: (v) => (!v.trim() || URL.canParse(v.trim()) ? true : 'Give an absolute URL'),
        },
        ctx,
      )
    ).trim() ||
      undefined)
  return {name, region, baseUrl, linkBaseUrl, clientId, clientSecret, market, locale, redirectUri, replace}
}

/** The emulator on loopback serves Tink Link at its API URL; any other custom API gets no guess. */
export function derivedLinkUrl(baseUrl: string): string | undefined {
  const host = URL.canParse(baseUrl) ? new URL(baseUrl).hostname : ''
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(host) ? baseUrl : undefined
}
