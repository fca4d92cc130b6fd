/**
 * The one error type the DHIS2 client throws, and the table that classifies failures.
 *
 * ARCHITECTURE.md: "Failures are classified, never guessed". `transient` means "the same request may
 * succeed later" (retry with backoff, count towards the circuit breaker); `permanent` means "sending it
 * again unchanged will fail again" (quarantine with DHIS2's message, or stop and fix the configuration).
 *
 * A Dhis2Error is built from plain values only: never from an axios error object, whose `config` carries
 * the request headers (and so the token or the Basic credentials). `redact` is a last guard for any text
 * that came from the network.
 */

export type Dhis2ErrorKind = 'transient' | 'permanent'

/**
 * What went wrong, coarsely:
 * - `http`: DHIS2 (or a proxy in front of it) answered with an error status;
 * - `timeout`: no complete answer within the request's timeout;
 * - `network`: no answer at all (refused, reset, DNS, TLS…);
 * - `aborted`: the caller cancelled the request (shutdown);
 * - `invalid-response`: an answer that is not what the endpoint returns (an HTML login page, a
 *   non-JSON body, a 409 without an import summary is `http`);
 * - `circuit-open`: not sent at all, the circuit breaker for this DHIS2 is open.
 */
export type Dhis2ErrorReason = 'http' | 'timeout' | 'network' | 'aborted' | 'invalid-response' | 'circuit-open'

export interface Dhis2ErrorDetails {
  kind: Dhis2ErrorKind
  reason: Dhis2ErrorReason
  /** HTTP method and path (no query string, no host), e.g. `POST /api/dataValueSets`. */
  request?: string
  status?: number
  /** How long DHIS2 asked us to wait (`Retry-After`), in milliseconds. */
  retryAfterMs?: number
  /** DHIS2's WebMessage `message`, when the body was one. */
  dhis2Message?: string
  /** DHIS2's WebMessage `errorCode` (E1005, E7600…), when present. */
  errorCode?: string
  /** The Node.js error code of a network failure (ECONNRESET, ECONNREFUSED, ENOTFOUND…). */
  networkCode?: string
}

export class Dhis2Error extends Error {
  override readonly name = 'Dhis2Error'
  readonly kind: Dhis2ErrorKind
  readonly reason: Dhis2ErrorReason
  readonly request: string | undefined
  readonly status: number | undefined
  readonly retryAfterMs: number | undefined
  readonly dhis2Message: string | undefined
  readonly errorCode: string | undefined
  readonly networkCode: string | undefined

  constructor(message: string, details: Dhis2ErrorDetails) {
    super(message)
    this.kind = details.kind
    this.reason = details.reason
    this.request = details.request
    this.status = details.status
    this.retryAfterMs = details.retryAfterMs
    this.dhis2Message = details.dhis2Message
    this.errorCode = details.errorCode
    this.networkCode = details.networkCode
  }

  get transient(): boolean {
    return this.kind === 'transient'
  }

  /** What the ledger stores as a record's `last_error`: plain data, safe to log. */
  toJSON(): Dhis2ErrorDetails & { name: string; message: string } {
    const json: Dhis2ErrorDetails & { name: string; message: string } = {
      name: this.name,
      message: this.message,
      kind: this.kind,
      reason: this.reason,
    }
    if (this.request !== undefined) json.request = this.request
    if (this.status !== undefined) json.status = this.status
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs
    if (this.dhis2Message !== undefined) json.dhis2Message = this.dhis2Message
    if (this.errorCode !== undefined) json.errorCode = this.errorCode
    if (this.networkCode !== undefined) json.networkCode = this.networkCode
    return json
  }
}

export function isDhis2Error(error: unknown): error is Dhis2Error {
  return error instanceof Dhis2Error
}

/**
 * Classification of an HTTP error status (2xx never reaches here).
 *
 * - 408 Request Timeout, 429 Too Many Requests and every 5xx are transient: the server (or a proxy)
 *   is overloaded, restarting or unreachable behind the proxy (502/503/504).
 * - 501 Not Implemented and 505 HTTP Version Not Supported are 5xx that no retry will ever fix.
 * - Every other 4xx is permanent: bad request (400), credentials (401), authority (403), wrong URL (404),
 *   conflict (409 without an import summary), body too large (413), content type (415)…
 * - 3xx is permanent: the client never follows redirects, and DHIS2 redirects only to its login page
 *   (no or unusable credentials) or because DHIS2_URL points at the wrong place.
 */
export function classifyStatus(status: number): Dhis2ErrorKind {
  if (status === 408 || status === 429) return 'transient'
  if (status === 501 || status === 505) return 'permanent'
  if (status >= 500 && status <= 599) return 'transient'
  return 'permanent'
}

/** Replaces every secret (and its Base64 form, as in a Basic header) in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  const longestFirst = [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)
  for (const secret of longestFirst) out = out.split(secret).join('***')
  return out
}

/** DHIS2's WebMessage fields, read defensively from any parsed body. */
export function readWebMessage(body: unknown): { message?: string; errorCode?: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {}
  const record = body as Record<string, unknown>
  const out: { message?: string; errorCode?: string } = {}
  if (typeof record.message === 'string' && record.message.trim() !== '') out.message = record.message.trim()
  if (typeof record.errorCode === 'string' && record.errorCode !== '') out.errorCode = record.errorCode
  return out
}
