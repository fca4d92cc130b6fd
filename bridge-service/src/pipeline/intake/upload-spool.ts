/**
 * An uploaded file is written to disk (and fsynced) before anything else: from then on it is durable, so
 * the API can answer 202 without waiting for every row to be committed — a DHIS2 route gives up after its
 * `responseTimeoutSeconds` (5 s by default) — and a bridge that stops mid-file reads the file again at its
 * next start. The spool directory must be on a volume shared by every process that takes uploads.
 */
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline as pipe } from 'node:stream/promises'

const SPOOL_SUFFIX = '.upload'

export interface SpooledFile {
  readonly path: string
  readonly bytes: number
}

/** Writes the body to `dir/<uuid>.upload` and fsyncs it; a failed or cut-off body leaves no file behind. */
export async function spoolUpload(body: Readable | Buffer, dir: string): Promise<SpooledFile> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, `${randomUUID()}${SPOOL_SUFFIX}`)
  try {
    await pipe(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(path, { mode: 0o600 }))
    const handle = await open(path, 'r+')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
    return { path, bytes: (await stat(path)).size }
  } catch (error) {
    await removeSpool(path)
    throw error
  }
}

export async function removeSpool(path: string): Promise<void> {
  await rm(path, { force: true })
}

export async function spoolExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** The spool files of `dir` last written before `before` (none when the directory does not exist yet). */
export async function spoolsOlderThan(dir: string, before: Date): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const old: string[] = []
  for (const name of names) {
    if (!name.endsWith(SPOOL_SUFFIX)) continue
    const path = join(dir, name)
    const info = await stat(path).catch(() => undefined)
    if (info?.isFile() && info.mtime < before) old.push(path)
  }
  return old
}
