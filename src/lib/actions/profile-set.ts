/** `tink profile set NAME KEY VALUE`: change one default of a profile without entering its secret again. */
import type {Factory, Outcome} from '../cli/factory.js'
import {derivedLinkUrl} from '../cli/login-wizard.js'
import type {ProfileData} from '../config/profiles.js'
import {usageError} from '../errors/cli-error.js'
import {checkBaseUrl, checkLocale, checkMarket, checkRegion} from '../tink/validate.js'

type Settable = Exclude<keyof ProfileData, 'clientId' | 'storage' | 'createdAt'>

/** Each key a person types, the field it sets, and the check its value gets (the same as profile add's). */
const KEYS: Record<string, {field: Settable; check: (v: string) => string}> = {
  market: {field: 'market', check: (v) => checkMarket(v, 'the value')},
  locale: {field: 'locale', check: (v) => checkLocale(v, 'the value')},
  'redirect-uri': {field: 'redirectUri', check: checkRedirect},
  region: {field: 'region', check: (v) => checkRegion(v, 'the value')},
  'base-url': {field: 'baseUrl', check: (v) => checkBaseUrl(v, 'the value')},
  'link-base-url': {field: 'linkBaseUrl', check: (v) => checkBaseUrl(v, 'the value')},
}
export const PROFILE_SET_KEYS = Object.keys(KEYS)

function checkRedirect(v: string): string {
  try {
    new URL(v)
  } catch {
    throw usageError(`Invalid redirect URI "${v}"`, 'Give an absolute URL registered for your app, e.g. https://example.com/callback')
  }
  return v
}

export async function profileSet(
  f: Factory,
  _flags: unknown,
  args: {name: string; key: string; value: string},
): Promise<Outcome<{profile: string; key: string; value: string}>> {
  const spec = KEYS[args.key]
  if (!spec) {
    const why =
      args.key === 'client-id'
        ? 'the client id goes with its secret: run tink login NAME --force to replace both'
        : `settable keys: ${PROFILE_SET_KEYS.join(', ')}`
    throw usageError(`"${args.key}" cannot be set with tink profile set`, why)
  }
  const store = f.profiles()
  store.require(args.name)
  const value = spec.check(args.value)
  await store.setField(args.name, spec.field, value)
  f.print.note(`Profile ${args.name}: ${args.key} set to ${value}`)
  // A custom API URL and no Tink Link URL of its own: Link URLs would still name link.tink.com.
  if (spec.field === 'baseUrl' && !store.get(args.name)?.linkBaseUrl) {
    const link = derivedLinkUrl(value)
    if (link) {
      await store.setField(args.name, 'linkBaseUrl', link)
      f.print.note(
        `Profile ${args.name}: link-base-url set to ${link} too (the emulator serves Tink Link at its API URL); change it with tink profile set ${args.name} link-base-url URL`,
      )
    } else {
      f.print.note(
        `Tink Link URLs of profile ${args.name} still point at the region's Tink Link; set another with tink profile set ${args.name} link-base-url URL`,
      )
    }
  }
  return {result: {profile: args.name, key: args.key, value}}
}
