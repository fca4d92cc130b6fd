/**
 * An uploaded file as a stream, never buffered whole: the raw request body (what the DHIS2 route sends),
 * or the first file of a multipart/form-data body (direct API clients). Bytes past the limit end the
 * stream with a 413 error; the request itself is left open (and drained by Node) so that the 413 can be
 * answered.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import busboy from 'busboy'
import type { Request } from 'express'
import { tooLarge } from './body'
import { ApiError } from './errors'

export interface LimitedStream {
  stream: Readable
  /** True once more than `limit` bytes came: whatever the consumer says, the answer is 413. */
  exceeded(): boolean
}

class ByteLimit extends Transform {
  seen = 0
  over = false
  constructor(private readonly limit: number) {
    super()
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.limit) {
      this.over = true
      callback(tooLarge(this.limit))
    } else callback(null, chunk)
  }
}

/**
 * What a failed upload stream ends with: our own errors as they are; anything else (busboy's "Unexpected end
 * of form" on a multipart body cut short, a socket error) is the client's malformed or incomplete body — a
 * 400, never a 500.
 */
function asClientError(error: Error): ApiError {
  if (error instanceof ApiError) return error
  return new ApiError(
    400,
    'invalid-request',
    `Le fichier envoyé est incomplet ou mal formé ; renvoyez-le. / The uploaded file is incomplete or malformed (${error.message}); send it again.`,
  )
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * The name a partner's file came with, fit to store and show: its last path component only, without
 * control characters (a NUL makes PostgreSQL refuse the run), lone surrogates replaced, at most 255
 * characters. Undefined when nothing is left. The name is only shown and used to warn when it disagrees
 * with the bytes, so cleaning it never refuses a file.
 */
export function cleanFilename(name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  const base = name.split(/[/\\]/).pop() ?? ''
  const cleaned = base
    .replace(LONE_SURROGATE, '\ufffd')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim()
  const cut = Array.from(cleaned).slice(0, 255).join('')
  return cut === '' || cut === '.' || cut === '..' ? undefined : cut
}

/** `source` through a byte counter; errors and aborts of `source` end the limited stream too. */
export function limitBytes(source: Readable, limit: number): LimitedStream {
  const limiter = new ByteLimit(limit)
  source.pipe(limiter)
  const stop = (error: Error) => {
    source.unpipe(limiter)
    // Keep reading (and discarding) so that the client finishes sending and gets our answer.
    source.resume()
    if (!limiter.destroyed) limiter.destroy(error)
  }
  limiter.once('error', () => {
    source.unpipe(limiter)
    source.resume()
  })
  source.once('error', (error: Error) => stop(asClientError(error)))
  source.once('aborted', () => stop(new ApiError(400, 'invalid-request', 'The upload was aborted by the client.')))
  return { stream: limiter, exceeded: () => limiter.over }
}

export function isMultipart(req: Request): boolean {
  return /^multipart\/form-data\b/i.test(req.get('content-type') ?? '')
}

/** The first file part of a multipart body, limited to `limit` bytes; its name as the client gave it. */
export function multipartFile(req: Request, limit: number): Promise<LimitedStream & { filename: string | undefined }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      // One byte over the limit, so that "over the limit" is seen by the counter (busboy would only truncate).
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 20, fieldSize: 4096, parts: 25, fileSize: limit + 1 },
      })
    } catch (error) {
      reject(new ApiError(400, 'invalid-request', `The multipart body cannot be read: ${(error as Error).message}`))
      return
    }
    let found = false
    parser.on('file', (_field, file, info) => {
      if (found) {
        file.resume()
        return
      }
      found = true
      resolve({ ...limitBytes(file, limit), filename: cleanFilename(info.filename) })
    })
    const fail = (message: string) => {
      req.unpipe(parser)
      req.resume()
      reject(new ApiError(400, 'invalid-request', message))
    }
    parser.on('error', (error: Error) => fail(`The multipart body cannot be read: ${error.message}`))
    parser.on('close', () => {
      if (!found) fail('The multipart body holds no file part: send the file in a field of type file.')
    })
    req.pipe(parser)
  })
}
