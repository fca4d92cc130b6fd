/**
 * Webhook signatures (shared/domain/sources.md §3). Pure: no clock, no I/O — `now` is given.
 *
 *   X-Relais-Timestamp: <unix seconds>
 *   X-Relais-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the source's secret>
 *
 * The timestamp is inside the signed text, so a captured delivery cannot be re-dated; more than 5 minutes
 * of difference either way is refused, which bounds how long a replay cache must remember a signature.
 * The HMAC is compared in constant time. Several secrets may be given, to rotate a source's secret without
 * refusing deliveries signed with the old one during the change.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const TIMESTAMP_HEADER = 'x-relais-timestamp'
export const SIGNATURE_HEADER = 'x-relais-signature'
export const TOLERANCE_SECONDS = 300

export type SignatureFailure =
  | 'missing-timestamp'
  | 'missing-signature'
  | 'malformed-timestamp'
  | 'malformed-signature'
  | 'stale-timestamp'
  | 'bad-signature'

export type VerifyResult =
  { ok: true; timestamp: number; signature: string } | { ok: false; reason: SignatureFailure; message: string }

export interface VerifyInput {
  /** The body exactly as received, before any JSON parsing. */
  rawBody: Buffer | string
  /** Header values as Node gives them (a repeated header is an array, which is refused). */
  timestamp: string | string[] | undefined
  signature: string | string[] | undefined
  secret: string | readonly string[]
  /** Current time in milliseconds. */
  now: number
  toleranceSeconds?: number
}

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/
const TIMESTAMP = /^\d{1,12}$/

export function verifySignature(input: VerifyInput): VerifyResult {
  const { timestamp, signature } = input
  if (timestamp === undefined || timestamp === '')
    return fail('missing-timestamp', 'Missing X-Relais-Timestamp header (unix seconds).')
  if (signature === undefined || signature === '')
    return fail('missing-signature', 'Missing X-Relais-Signature header (sha256=<hex>).')
  if (typeof timestamp !== 'string' || !TIMESTAMP.test(timestamp.trim()))
    return fail('malformed-timestamp', 'X-Relais-Timestamp must be one integer: unix time in seconds.')
  const match = typeof signature === 'string' ? SIGNATURE.exec(signature.trim()) : null
  if (!match?.[1])
    return fail('malformed-signature', 'X-Relais-Signature must be "sha256=" followed by 64 hexadecimal digits.')
  const seconds = Number(timestamp.trim())
  const tolerance = input.toleranceSeconds ?? TOLERANCE_SECONDS
  const skew = Math.abs(input.now / 1000 - seconds)
  if (skew > tolerance)
    return fail(
      'stale-timestamp',
      `X-Relais-Timestamp is ${Math.round(skew)} s away from the server's clock (at most ${tolerance} s allowed).`,
    )
  const given = Buffer.from(match[1], 'hex')
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret
  // Every secret is tried (no early exit) so that timing does not tell which one matched.
  let matched = false
  for (const secret of secrets) {
    const expected = hmacOf(secret, String(seconds), input.rawBody)
    matched = timingSafeEqual(expected, given) || matched
  }
  if (!matched) return fail('bad-signature', 'The signature does not match the body and timestamp.')
  return { ok: true, timestamp: seconds, signature: match[1].toLowerCase() }
}

export interface Signed {
  timestamp: string
  signature: string
  headers: { 'X-Relais-Timestamp': string; 'X-Relais-Signature': string }
}

/** Signs a body as a client must (tests, the demo, and documentation for senders). */
export function sign(rawBody: Buffer | string, secret: string, nowMs: number = Date.now()): Signed {
  const timestamp = String(Math.floor(nowMs / 1000))
  const signature = `sha256=${hmacOf(secret, timestamp, rawBody).toString('hex')}`
  return {
    timestamp,
    signature,
    headers: { 'X-Relais-Timestamp': timestamp, 'X-Relais-Signature': signature },
  }
}

function hmacOf(secret: string, timestamp: string, rawBody: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest()
}

function fail(reason: SignatureFailure, message: string): VerifyResult {
  return { ok: false, reason, message }
}
