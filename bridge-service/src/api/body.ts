/**
 * Request bodies. The DHIS2 route drops the browser's Content-Type, so a JSON body is read as JSON whatever
 * its header says (ARCHITECTURE.md "Auth"). The body is read whole, up to a limit: a declared length over
 * the limit is refused before reading, an undeclared one as soon as the bytes pass it (413).
 */
import type { Request } from 'express'
import { ApiError } from './errors'
import { jsonErrorPosition } from './json-position'

export const DEFAULT_JSON_LIMIT_BYTES = 1024 * 1024

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`
  return `${bytes} bytes`
}

export function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'payload-too-large', `The request body is larger than the limit of ${formatBytes(limit)}.`)
}

/** Refuses compressed bodies (the route never sends them; a zip bomb must not reach a parser). */
export function assertIdentityEncoding(req: Request): void {
  const encoding = req.get('content-encoding')?.trim().toLowerCase()
  if (encoding && encoding !== 'identity')
    throw new ApiError(
      415,
      'unsupported-encoding',
      `Content-Encoding "${encoding}" is not accepted: send the body as is.`,
    )
}

/** Throws 413 when the declared Content-Length is over `limit`. */
export function assertDeclaredLength(req: Request, limit: number): void {
  const declared = Number(req.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit)
}

/** The whole body as bytes, at most `limit` of them. */
export function readBody(req: Request, limit: number): Promise<Buffer> {
  assertIdentityEncoding(req)
  assertDeclaredLength(req, limit)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const finish = (error: Error | undefined) => {
      if (settled) return
      settled = true
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted)
      if (error) {
        // Stop buffering; Node discards the rest of the body once the answer is sent.
        req.pause()
        reject(error)
      } else resolve(Buffer.concat(chunks, size))
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) finish(tooLarge(limit))
      else chunks.push(chunk)
    }
    const onEnd = () => finish(undefined)
    const onError = (error: Error) => finish(error)
    const onAborted = () =>
      finish(new ApiError(400, 'invalid-request', 'The request was aborted before its body was complete.'))
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted)
  })
}

/** Line and column (1-based) of a 0-based offset in `text`. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: position - lineStart + 1 }
}

/**
 * How deep the API's own JSON bodies may nest. Every body schema is a few levels deep; a body thousands of
 * levels deep only exists to overflow a recursive walk (hashing, the audit's JSON.stringify). Webhook records
 * may be deeper: their route lifts the cap and intake cuts each record at its own limit (clean-text.ts).
 */
export const DEFAULT_JSON_MAX_DEPTH = 64

/** Whether JSON text nests arrays/objects deeper than `max`, read without parsing (no recursion). Pure. */
export function jsonDeeperThan(text: string, max: number): boolean {
  if (!Number.isFinite(max)) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/**
 * JSON of a body, whatever Content-Type was sent. An empty body is `{}` (every body schema is an object).
 * Malformed JSON → 400 `malformed-json` with where it went wrong.
 */
export function parseJsonBody(raw: Buffer, maxDepth = DEFAULT_JSON_MAX_DEPTH): unknown {
  let text = raw.toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text) as unknown
  } catch {
    const position = jsonErrorPosition(text)
    const { line, column } = lineAndColumn(text, position)
    const what = position >= text.length ? 'it ends too early' : `unexpected ${JSON.stringify(text[position])}`
    throw new ApiError(
      400,
      'malformed-json',
      `The request body is not valid JSON: ${what} at line ${line}, column ${column}.`,
      { where: { line, column, position } },
    )
  }
  // After parsing (which is not recursive and says where malformed JSON went wrong), before any recursive walk.
  if (jsonDeeperThan(text, maxDepth))
    throw new ApiError(
      400,
      'invalid-request',
      `The request body is JSON nested more than ${maxDepth} levels deep, which no request of this API needs.`,
    )
  return parsed
}
