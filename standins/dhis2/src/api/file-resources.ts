/**
 * `/api/fileResources` as DHIS2 2.41 answers it (core@2.41 `FileResourceController`, `FileResourceUtils`,
 * `DefaultFileResourceService`), for message attachments (setup-ops §6.1):
 * - POST (multipart, part `file`, `?domain=` default DATA_VALUE, case-insensitive like every enum parameter):
 *   202 WebMessage `{responseType: 'FileResource', fileResource: {…, storageStatus: 'PENDING'}}`; a file over
 *   `max.file_upload_size` (10 000 000 bytes, DHIS2's default) → 409 « File size can't be bigger than …, current
 *   file size … »; an empty one → 409 « Could not read file or file is empty. »; a bad domain → 400.
 *   Memory stays bounded: past the limit the body is counted and dropped, never kept.
 *   (ICON, USER_AVATAR and ORG_UNIT files are kept as sent: the stand-in does not resize images.)
 * - GET /{uid} (JSON, 404 E1005), GET /{uid}/data (the bytes; 403 for DATA_VALUE and PUSH_ANALYSIS, which
 *   DHIS2 does not serve there).
 * Attachments are served by `GET /api/messageConversations/{mc}/{msg}/attachments/{file}` (message-conversations.ts).
 */
import { createHash } from 'node:crypto'
import type { Request, Response, Router } from 'express'
import { generateUid } from '@relais/mappings'
import { HttpError, sendWebMessage } from '../http/web-message'
import type { StandinContext } from '../context'
import type { FileResourceRecord } from '../store/state'

/** dhis.conf `max.file_upload_size` default (core@2.41 `ConfigurationKey.MAX_FILE_UPLOAD_SIZE_BYTES`). */
export const MAX_FILE_UPLOAD_SIZE_BYTES = 10_000_000
/** Room for the multipart framing and other small parts around the file before the body counts as too big. */
const FRAMING_SLACK = 64 * 1024

export const FILE_RESOURCE_DOMAINS = [
  'DATA_VALUE',
  'PUSH_ANALYSIS',
  'DOCUMENT',
  'MESSAGE_ATTACHMENT',
  'USER_AVATAR',
  'ORG_UNIT',
  'ICON',
  'JOB_DATA',
] as const

/**
 * An enum request parameter as DHIS2's `ConvertEnum` reads it (case-insensitive); a wrong value is the 400 of
 * `CrudControllerAdvice.methodArgumentTypeMismatchException`.
 */
export function enumParam<T extends string>(
  req: Request,
  name: string,
  values: readonly T[],
  fallback?: T,
): T | undefined {
  const raw = req.query[name]
  if (raw === undefined || raw === '') return fallback
  const text = String(Array.isArray(raw) ? raw[0] : raw)
  const found = values.find((v) => v.toLowerCase() === text.toLowerCase())
  if (!found)
    throw new HttpError(
      400,
      `Value '${text}' is not valid for parameter ${name}. Valid values are: [${values.join(', ')}]`,
    )
  return found
}

export function fileResourcesOf(ctx: StandinContext): FileResourceRecord[] {
  return (ctx.state.fileResources ??= [])
}

/** The FileResource as DHIS2 serialises it. */
export function fileResourceJson(
  f: FileResourceRecord,
  storageStatus: 'PENDING' | 'STORED' = 'STORED',
): Record<string, unknown> {
  return {
    name: f.name,
    created: f.created,
    lastUpdated: f.created,
    createdBy: { id: f.createdBy },
    displayName: f.name,
    id: f.id,
    contentType: f.contentType,
    contentLength: f.contentLength,
    contentMd5: f.contentMd5,
    storageStatus,
    domain: f.domain,
    hasMultipleStorageFiles: false,
    assigned: f.assigned,
  }
}

/** Sends a stored file's bytes as `FileResourceUtils.configureFileResourceResponse` does. */
export function sendFileContent(res: Response, f: FileResourceRecord): void {
  const bytes = Buffer.from(f.content, 'base64')
  res
    .status(200)
    .set('Content-Type', f.contentType)
    .set('Content-Length', String(bytes.length))
    .set('Content-Disposition', `filename=${f.name}`)
    .end(bytes)
}

interface BoundedBody {
  /** The whole body, when it stayed under the bound. */
  body?: Buffer
  /** Bytes received in all. */
  total: number
  /** The first and last bytes of a body too big to keep, to measure the file part inside it. */
  head: Buffer
  tail: Buffer
}

/** Reads the request, keeping at most `bound` bytes; past that only its first and last 64 KiB are kept. */
function readBounded(req: Request, bound: number): Promise<BoundedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    let overflow = false
    let head = Buffer.alloc(0)
    let tail = Buffer.alloc(0)
    req.on('data', (chunk: Buffer) => {
      total += chunk.length
      if (!overflow && total <= bound) {
        chunks.push(chunk)
        return
      }
      if (!overflow) {
        overflow = true
        const kept = Buffer.concat([...chunks, chunk])
        chunks.length = 0
        head = kept.subarray(0, FRAMING_SLACK)
        tail = Buffer.from(kept.subarray(Math.max(0, kept.length - FRAMING_SLACK)))
        return
      }
      const joined = Buffer.concat([tail, chunk])
      tail = Buffer.from(joined.subarray(Math.max(0, joined.length - FRAMING_SLACK)))
    })
    req.on('end', () => resolve(overflow ? { total, head, tail } : { body: Buffer.concat(chunks), total, head, tail }))
    req.on('error', reject)
  })
}

/** The size of the `file` part of a multipart body too big to keep, from its first and last bytes. */
function oversizedFileSize(read: BoundedBody, boundary: string): number {
  const start = /content-disposition:[^\r\n]*name="file"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n/i.exec(
    read.head.toString('latin1'),
  )
  const end = read.tail.indexOf(`\r\n--${boundary}`, 0, 'latin1')
  if (!start || end < 0) return read.total
  const fileStart = start.index + start[0].length
  const fileEnd = read.total - read.tail.length + end
  return fileEnd - fileStart
}

const tooBig = (size: number) =>
  new HttpError(409, `File size can't be bigger than ${MAX_FILE_UPLOAD_SIZE_BYTES}, current file size ${size}`)

export function registerFileResources(router: Router, ctx: StandinContext): void {
  router.post('/fileResources', async (req, res) => {
    const user = ctx.userOf(req)
    // Spring binds the parameters before the method runs: a bad domain is refused before the file is read.
    const domain = enumParam(req, 'domain', FILE_RESOURCE_DOMAINS, 'DATA_VALUE')!
    const type = req.get('content-type') ?? ''
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type)
    if (!/^multipart\/form-data/i.test(type) || !boundary) {
      req.resume()
      throw new HttpError(500, 'Current request is not a multipart request')
    }
    const read = await readBounded(req, MAX_FILE_UPLOAD_SIZE_BYTES + FRAMING_SLACK)
    if (!read.body) throw tooBig(oversizedFileSize(read, boundary[1] ?? boundary[2] ?? ''))
    // The platform's own multipart parser (undici), as a browser form would be read.
    const form = await new Response(read.body, { headers: { 'content-type': type } }).formData().catch(() => {
      throw new HttpError(400, "Required part 'file' is not present.")
    })
    const file = form.get('file')
    if (!file || typeof file === 'string') throw new HttpError(400, "Required part 'file' is not present.")
    if (file.size > MAX_FILE_UPLOAD_SIZE_BYTES) throw tooBig(file.size)
    if (file.size <= 0) throw new HttpError(409, 'Could not read file or file is empty.')
    const bytes = Buffer.from(await file.arrayBuffer())
    const uid = typeof req.query.uid === 'string' && req.query.uid ? req.query.uid : undefined
    if (uid && fileResourcesOf(ctx).some((f) => f.id === uid))
      throw new HttpError(409, `FileResource already exists: \`${uid}\``, 'E1119')
    const contentType = /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(file.type) ? file.type : 'application/octet-stream'
    const record: FileResourceRecord = {
      id: uid ?? generateUid(),
      name: (file.name.split(/[\\/]/).pop() ?? '') || 'untitled',
      contentType,
      contentLength: bytes.length,
      contentMd5: createHash('md5').update(bytes).digest('hex'),
      domain,
      created: ctx.clock.timestamp(),
      createdBy: user.user.id,
      assigned: false,
      content: bytes.toString('base64'),
    }
    fileResourcesOf(ctx).push(record)
    sendWebMessage(res, 202, undefined, {
      response: { responseType: 'FileResource', fileResource: fileResourceJson(record, 'PENDING') },
    })
  })

  const find = (uid: string): FileResourceRecord => {
    const found = fileResourcesOf(ctx).find((f) => f.id === uid)
    if (!found) throw new HttpError(404, `FileResource with id ${uid} could not be found.`, 'E1005')
    return found
  }
  router.get('/fileResources/:uid', (req, res) => {
    res.json(fileResourceJson(find(String(req.params.uid))))
  })
  router.get('/fileResources/:uid/data', (req, res) => {
    const uid = String(req.params.uid)
    const f = find(uid)
    if (f.domain === 'DATA_VALUE' || f.domain === 'PUSH_ANALYSIS')
      throw new HttpError(
        403,
        `You don't have access to fileResource '${uid}' or this fileResource is not available from this endpoint`,
        'E1006',
      )
    sendFileContent(res, f)
  })
}
