/**
 * One attempt at delivering an outbound webhook: a signed POST, classified. Signed exactly as inbound deliveries
 * are (sources/webhook/hmac.ts: HMAC-SHA256 of "<timestamp>.<raw body>", X-Relais-Timestamp and
 * X-Relais-Signature), so a partner checks it with the same code a sender to the bridge uses.
 *
 * 2xx: delivered. 408, 429, 5xx, a timeout or a network error: worth trying again (Retry-After honoured).
 * Anything else (another 4xx, a redirect, which is never followed): the receiver refuses it; trying again
 * would not change that.
 */
import { sign } from '../sources/webhook/hmac'
import { parseRetryAfter } from '../dhis2/backoff'

export const DEFAULT_TIMEOUT_MS = 10_000
export const EVENT_HEADER = 'X-Relais-Event'
export const DELIVERY_HEADER = 'X-Relais-Delivery'

export type SendResult =
  | { readonly kind: 'delivered'; readonly httpStatus: number }
  | {
      readonly kind: 'transient'
      readonly httpStatus: number | null
      readonly error: string
      readonly retryAfterMs?: number
    }
  | { readonly kind: 'permanent'; readonly httpStatus: number; readonly error: string }

export interface SendInput {
  readonly url: string
  readonly body: string
  readonly secret: string
  readonly event: string
  readonly deliveryId: string
  readonly timeoutMs?: number
  readonly now?: number
}

export function classify(httpStatus: number, retryAfter: string | null, nowMs: number): SendResult {
  if (httpStatus >= 200 && httpStatus < 300) return { kind: 'delivered', httpStatus }
  const error = `HTTP ${httpStatus}`
  if (httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, nowMs)
    return { kind: 'transient', httpStatus, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }
  }
  return { kind: 'permanent', httpStatus, error }
}

export async function sendOnce(input: SendInput): Promise<SendResult> {
  const now = input.now ?? Date.now()
  const signed = sign(input.body, input.secret, now)
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let response: Response
  try {
    response = await fetch(input.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'relais-bridge',
        [EVENT_HEADER]: input.event,
        [DELIVERY_HEADER]: input.deliveryId,
        ...signed.headers,
      },
      body: input.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    // Read by shape, not instanceof: fetch's errors may come from another realm (a test's sandbox).
    const { name, message, cause } = (error ?? {}) as {
      name?: unknown
      message?: unknown
      cause?: { message?: unknown }
    }
    const text =
      name === 'TimeoutError' || name === 'AbortError'
        ? `no answer within ${timeoutMs} ms`
        : `network: ${String(cause?.message ?? message ?? error)}`
    return { kind: 'transient', httpStatus: null, error: text }
  }
  // The answer's body is not kept (it is the partner's, and may say anything): only its status counts.
  await response.body?.cancel().catch(() => undefined)
  return classify(response.status, response.headers.get('retry-after'), Date.now())
}
