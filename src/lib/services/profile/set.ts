/** Changing one default of a profile (`tink profile set NAME KEY VALUE`) without entering its secret again. */
import {derivedLinkUrl} from '../../cli/login-wizard.js'
import type {ProfileData, ProfileStore} from '../../config/profiles.js'
import {usageError} from '../../errors/cli-error.js'
import {checkBaseUrl, checkLocale, checkMarket, checkRegion} from '../../tink/validate.js'

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

export interface SetOptions {
  name: string
  /** One of PROFILE_SET_KEYS. */
  key: string
  value: string
}

export interface SetResult {
  profile: string
  key: string
  /** The value as saved (checked, normalised). */
  value: string
}

/** Checks the key and value, saves them; says each change (and a Tink Link URL set alongside) through `note`. */
export async function setProfileValue(store: ProfileStore, o: SetOptions, note: (line: string) => void): Promise<SetResult> {
  const spec = KEYS[o.key]
  if (!spec) {
    const why =
      o.key === 'client-id'
        ? 'the client id goes with its secret: run tink login NAME --force to replace both'
        : `settable keys: ${PROFILE_SET_KEYS.join(', ')}`
    throw usageError(`"${o.key}" cannot be set with tink profile set`, why)
  }
  store.require(o.name)
  const value = spec.check(o.value)
  await store.setField(o.name, spec.field, value)
  note(`Profile ${o.name}: ${o.key} set to ${value}`)
  // A custom API URL and no Tink Link URL of its own: Link URLs would still name link.tink.com.
  if (spec.field === 'baseUrl' && !store.get(o.name)?.linkBaseUrl) {
    const link = derivedLinkUrl(value)
    if (link) {
      await store.setField(o.name, 'linkBaseUrl', link)
      note(
        `Profile ${o.name}: link-base-url set to ${link} too (the emulator serves Tink Link at its API URL); change it with tink profile set ${o.name} link-base-url URL`,
      )
    } else {
      note(`Tink Link URLs of profile ${o.name} still point at the region's Tink Link; set another with tink profile set ${o.name} link-base-url URL`)
    }
  }
  return {profile: o.name, key: o.key, value}
}
