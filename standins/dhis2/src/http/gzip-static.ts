/**
 * What nginx does in front of DHIS2 in the compose stack (docker/proxy/nginx.conf `gzip on`): text assets are
 * sent gzip-compressed to a browser that accepts it. The stand-in served the app's 1.25 MB of JavaScript
 * uncompressed, which made slow-network figures (bench:app) meaningless. Compressed once per file version.
 */
import { readFileSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Request, Response } from 'express'

/** nginx's gzip_types of the proxy, plus text/html (always compressed by nginx), by file extension. */
const COMPRESSED: Readonly<Record<string, string>> = {
  '.js': 'application/javascript',
  '.mjs': 'application/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/json',
  '.map': 'application/json',
  '.html': 'text/html',
  '.txt': 'text/plain',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
}

const cache = new Map<string, { mtimeMs: number; body: Buffer }>()

export const acceptsGzip = (req: Request): boolean => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))

/** Sends `body` gzip-compressed when the browser accepts it (an index.html made per request). */
export function sendText(req: Request, res: Response, body: string): void {
  res.vary('Accept-Encoding')
  if (!acceptsGzip(req)) {
    res.send(body)
    return
  }
  res.set('Content-Encoding', 'gzip').send(gzipSync(body, { level: 1 }))
}

/** Sends a file, compressed when its type is compressible and the browser accepts gzip; false: not handled. */
export function sendCompressedFile(req: Request, res: Response, file: string): boolean {
  const type = COMPRESSED[extname(file).toLowerCase()]
  if (!type || !acceptsGzip(req)) return false
  const { mtimeMs } = statSync(file)
  let entry = cache.get(file)
  if (!entry || entry.mtimeMs !== mtimeMs) {
    // Level 1, as nginx's default gzip_comp_level.
    entry = { mtimeMs, body: gzipSync(readFileSync(file), { level: 1 }) }
    cache.set(file, entry)
  }
  res
    .vary('Accept-Encoding')
    .type(type)
    .set({ 'Content-Encoding': 'gzip', 'Last-Modified': new Date(mtimeMs).toUTCString() })
    .send(entry.body)
  return true
}

/** nginx's default `gzip_min_length`: shorter answers are not worth compressing. */
const GZIP_MIN_LENGTH = 20

/**
 * nginx's `gzip_types application/json` for the API: a JSON answer goes gzip-compressed to a client that accepts
 * it. Without it the stand-in sent an RC's 12 months of values (63 KB) as is, where DHIS2 behind the proxy
 * sends 8 KB — and slow-network figures were 1 s too slow per load.
 */
export function gzipJson(req: Request, res: Response, next: () => void): void {
  if (!acceptsGzip(req)) return next()
  const json = res.json.bind(res)
  res.json = (body: unknown) => {
    const text = JSON.stringify(body)
    if (text === undefined || Buffer.byteLength(text) < GZIP_MIN_LENGTH) return json(body)
    if (!res.get('Content-Type')) res.type('application/json')
    return res
      .vary('Accept-Encoding')
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(text, { level: 1 }))
  }
  next()
}
