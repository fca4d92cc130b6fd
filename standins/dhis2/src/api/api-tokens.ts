/**
 * Personal access tokens as DHIS2 makes them (V1 `d2pat_` up to 2.40, V2 `d2p_` from 2.41) (setup-ops §11; core@2.41 `ApiTokenController`):
 * `POST /api/apiToken` (JSON; `{}` suffices) creates a token for the calling user, `expire` in epoch ms
 * (default +30 days), and answers 201 with the key once (`response.key`, V2 format `d2p_…`); only its
 * SHA-256 is kept. `GET /api/apiToken` lists the caller's tokens (their `key` is that hash), `DELETE …/{uid}`
 * revokes one.
 */
import { randomBytes } from 'node:crypto'
import { crc32 } from 'node:zlib'
import express, { type Router } from 'express'
import { generateUid } from '@relais/mappings'
import { HttpError, sendWebMessage } from '../http/web-message'
import type { StandinContext } from '../context'
import { hashToken } from '../seed/users'
import type { Dhis2Behaviour } from '../versions'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function base62(n: number, width: number): string {
  let out = ''
  for (let v = n >>> 0; v > 0; v = Math.floor(v / 62)) out = BASE62[v % 62] + out
  return out.padStart(width, '0')
}

const randomChars = (n: number) => [...randomBytes(n)].map((b) => BASE62[b % 62]).join('')

/**
 * A new token in the version's default format (ApiKeyTokenGenerator): V2 (2.41+) `d2p_` + 44 random base-62
 * characters + their CRC32 in base 62; V1 (up to 2.40) `d2pat_` + 32 random characters + their CRC32 as ten
 * zero-padded digits.
 */
export function newPersonalAccessToken(type: Dhis2Behaviour['patType'] = 'PERSONAL_ACCESS_TOKEN_V2'): string {
  if (type === 'PERSONAL_ACCESS_TOKEN_V1') {
    const random = randomChars(32)
    return `d2pat_${random}${String(crc32(random)).padStart(10, '0')}`
  }
  const random = randomChars(44)
  return `d2p_${random}${base62(crc32(random), 6)}`
}

const DAY_MS = 86_400_000

export function registerApiTokens(router: Router, ctx: StandinContext): void {
  router.post('/apiToken', express.json({ type: () => true, limit: '100kb' }), (req, res) => {
    const user = ctx.userOf(req)
    if (!/^application\/json/i.test(req.get('content-type') ?? ''))
      throw new HttpError(415, `Content type '${req.get('content-type') ?? ''}' not supported`)
    const body = (req.body ?? {}) as { expire?: unknown; attributes?: unknown }
    const expire = body.expire === undefined ? ctx.clock.now().getTime() + 30 * DAY_MS : Number(body.expire)
    if (!Number.isFinite(expire)) throw new HttpError(409, `Invalid expire: ${String(body.expire)}`)
    const key = newPersonalAccessToken(ctx.behaviour.patType)
    const id = generateUid()
    ctx.state.apiTokens.push({ id, keyHash: hashToken(key), userId: user.user.id, expire, type: ctx.behaviour.patType })
    res.status(201).json({
      httpStatus: 'Created',
      httpStatusCode: 201,
      status: 'OK',
      response: {
        responseType: 'ApiTokenCreationResponse',
        uid: id,
        klass: 'org.hisp.dhis.security.apikey.ApiToken',
        key,
        errorReports: [],
      },
    })
  })

  router.get('/apiToken', (req, res) => {
    const user = ctx.userOf(req)
    res.json({
      apiToken: ctx.state.apiTokens
        .filter((t) => t.userId === user.user.id)
        // `key` is the stored SHA-256 of the token, as DHIS2's ApiToken shows it (never the token itself).
        .map((t) => ({
          id: t.id,
          type: t.type === 'PERSONAL_ACCESS_TOKEN_V1' ? 'PERSONAL_ACCESS_TOKEN' : 'PERSONAL_ACCESS_TOKEN_V2',
          key: t.keyHash,
          expire: t.expire,
          createdBy: { id: t.userId },
        })),
    })
  })

  router.delete('/apiToken/:uid', (req, res) => {
    const user = ctx.userOf(req)
    const at = ctx.state.apiTokens.findIndex(
      (t) => t.id === req.params.uid && (t.userId === user.user.id || user.isSuperuser),
    )
    if (at < 0) throw new HttpError(404, `ApiToken with id ${String(req.params.uid)} could not be found.`)
    ctx.state.apiTokens.splice(at, 1)
    sendWebMessage(res, 200, `Object deleted: ${String(req.params.uid)}`)
  })
}
