/** GET /api/v1/user with a user:read token: who the user is, and the market and locale Tink has for them. */
import {parseJsonObject, PATHS, type TinkApi, type UserRef} from './api.js'

export interface UserInfo {
  id?: string
  externalUserId?: string
  market?: string
  locale?: string
}

const text = (o: unknown, k: string): string | undefined => {
  const v = o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined
  return typeof v === 'string' ? v : undefined
}

// api-general, "Get user": `id`, `externalUserId`, `profile.market`, `profile.locale`.
export async function userInfo(api: TinkApi, user: UserRef): Promise<UserInfo> {
  const body = parseJsonObject(await api.userGet(user, 'user:read', PATHS.user, 'get user'), 'get user')
  return {id: text(body, 'id'), externalUserId: text(body, 'externalUserId'), market: text(body.profile, 'market'), locale: text(body.profile, 'locale')}
}
