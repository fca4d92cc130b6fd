/**
 * Uploads: the file is spooled to disk first (durable), then a run is created and the rows are read into
 * the ledger in the background. The caller gets its answer as soon as the rows are committed or
 * `answerWithinMs` has passed, whichever comes first — so a large file through a DHIS2 route (which gives
 * up after 5–60 s) still gets its 202 and run id, with `rows: null` meaning "still reading; poll the run".
 * A file the bridge cannot read is refused in the answer when that is found within the wait, or ends the
 * run `failed` with the reason otherwise. At start, `resume` reads again the files of runs that a stopped
 * bridge left unread (idempotent: a file row's version is the run id and its content hash).
 *
 * Crash-loop guard (issue 11 §1): a file whose read killed the process (a decoding bomb past every limit,
 * a bug) would kill it again at every start if read blindly. So a reader writes `detail.readAttempt` in the
 * ledger before it opens the file; a graceful stop waits for the reads in progress (pipeline.ts), so a run
 * still unread *with* that marker means the process died during the read. Such a file is not read again:
 * its run ends `failed` with `detail.reason` = `file-crashed-reader` and a French/English message (shown in
 * the console's run view), and the spooled file is kept one day for a look (then removed as an orphan).
 * The price: a process killed for another reason during a read (kill -9, the host's OOM killer) also costs
 * that upload, which the message asks the partner to send again.
 */
import { takesFiles, type FileSourceConfig, type SourceConfig } from '../../config/relais-config'
import { repositories, type Db } from '../../ledger'
import type { Run, RunMode } from '../../ledger/runs'
import type { Logger } from '../../log/logger'
import { UnreadableFileError } from '../../sources/files/findings'
import { removeStaleXlsxTemp } from '../../sources/files/xlsx-zip'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { intakeFile } from './file-source'
import type { Intake } from './intake'
import { patchRunDetail, spoolsInUse, unreadUploadRunIds } from '../../ledger/pipeline-queries'
import type { RunBook } from '../runs'
import type { Actor, StartedRun, UploadInput } from '../services'
import { StateConflictError } from '../services'
import type { SpecRegistry } from '../map/specs'
import { removeSpool, spoolExists, spoolsOlderThan, spoolUpload } from './upload-spool'
import { checkConfirmable, ConfirmationRefusedError, type Dhis2Change } from '../push/upload-confirm'

/** Long enough for an ordinary monthly file, well under a DHIS2 route's default 5 s timeout. */
export const DEFAULT_ANSWER_WITHIN_MS = 2_000
/** A process reading a spooled file says so this often (`detail.spoolBeat`)… */
const HEARTBEAT_MS = 10_000
/** …so a file whose reader has been silent this long was left by a stopped process and may be taken over. */
export const ABANDONED_AFTER_MS = 3 * HEARTBEAT_MS
/**
 * A spool file no run points at, this old, was left by a process stopped between spooling and creating the
 * run (milliseconds): nothing will ever read it. A day leaves any upload in progress alone.
 */
export const ORPHANED_AFTER_MS = 24 * 60 * 60_000

/** `detail.reason` of a run whose file was being read when its process died. */
export const CRASHED_READER = 'file-crashed-reader'

const CRASHED_READER_MESSAGE =
  "Le bridge s'est arrêté brutalement pendant la lecture de ce fichier ; il n'est pas relu, pour qu'il ne puisse " +
  "pas l'arrêter de nouveau. Vérifiez le fichier (taille, feuilles, lignes très larges) puis téléversez-le à nouveau. " +
  '— The bridge died while reading this file; it is not read again, so that it cannot stop the bridge again. ' +
  'Check the file (size, sheets, very wide rows), then upload it again.'

export interface UploadDeps {
  readonly db: Db
  readonly intake: Intake
  readonly specs: SpecRegistry
  readonly runs: RunBook
  readonly logger: Logger
  readonly spoolDir: string
  readonly answerWithinMs: number
  sourceOf(name: string): SourceConfig
  newRun(
    source: SourceConfig,
    mode: RunMode,
    trigger: string,
    actor: Actor,
    detail: Record<string, unknown>,
  ): Promise<Run>
  audit(actor: Actor, action: string, target: string, detail: unknown): Promise<unknown>
  /** Where DHIS2 now differs from what a dry run read (upload-confirm.ts). */
  changedSince(dryRunId: string): Promise<Dhis2Change[]>
  /** Keeps a background read alive until the pipeline stops. */
  track(task: Promise<unknown>): void
}

type FileKind = FileSourceConfig['kind']

export class Uploads {
  /** Runs this process is reading now: never taken over by its own resume. */
  private readonly reading = new Set<string>()

  constructor(private readonly deps: UploadDeps) {}

  async upload(input: UploadInput, actor: Actor): Promise<StartedRun & { rows: number | null }> {
    const source = this.deps.sourceOf(input.source)
    if (!takesFiles(source))
      throw new StateConflictError(`source "${input.source}" is a ${source.kind} source: it does not take files`)
    // A body cut off (too large, aborted) fails here, before any run exists.
    const spool = await spoolUpload(input.body, this.deps.spoolDir)
    let run: Run
    try {
      const fileSha256 = await sha256Of(spool.path)
      if (input.confirms !== undefined) await this.checkConfirmation(input, source.name, fileSha256, actor)
      run = await this.deps.newRun(source, input.mode, 'upload', actor, {
        filename: input.filename,
        bytes: spool.bytes,
        fileSha256,
        ...(input.confirms !== undefined ? { confirms: input.confirms } : {}),
        spool: spool.path,
        spoolBeat: new Date().toISOString(),
      })
    } catch (error) {
      await removeSpool(spool.path)
      throw error
    }
    const reading = this.read(run, source.kind, input.filename, spool.path, actor)
    this.deps.track(reading.catch(() => undefined))
    let timer: NodeJS.Timeout | undefined
    const waited = new Promise<'waiting'>((resolve) => {
      timer = setTimeout(() => resolve('waiting'), this.deps.answerWithinMs)
    })
    try {
      const outcome = await Promise.race([reading, waited])
      return { id: run.id, rows: outcome === 'waiting' ? null : outcome.rows }
    } finally {
      clearTimeout(timer)
    }
  }

  /** An import that confirms a dry run: the same file, and DHIS2 as the dry run saw it (upload-confirm.ts). */
  private async checkConfirmation(input: UploadInput, source: string, fileSha256: string, actor: Actor) {
    const dryRunId = input.confirms as string
    const dryRun = await repositories(this.deps.db).runs.get(dryRunId)
    checkConfirmable(dryRun, source, fileSha256)
    if (input.mode !== 'import')
      throw new ConfirmationRefusedError('not-a-dry-run', 'Only an import confirms a dry run.')
    const changes = await this.deps.changedSince(dryRunId)
    if (changes.length > 0) {
      await this.deps.audit(actor, 'upload-confirm-refused', dryRunId, { changes: changes.length })
      throw new ConfirmationRefusedError(
        'dhis2-changed',
        `DHIS2 changed since the dry run: ${changes.length} value(s) differ. Review a new dry run before importing.`,
        changes,
      )
    }
  }

  /**
   * Runs left reading a spooled file by a bridge that stopped — its reader's heartbeat older than
   * ABANDONED_AFTER_MS, so that a file another live process is still reading is left to it: read again, or
   * failed if the file is gone.
   */
  async resume(now = new Date()): Promise<number> {
    const { db, runs, logger } = this.deps
    const left = await unreadUploadRunIds(db, new Date(now.getTime() - ABANDONED_AFTER_MS))
    let resumed = 0
    for (const id of left) {
      if (this.reading.has(id)) continue
      const run = await runs.get(id)
      const source = run ? this.sourceOrNull(run.source) : null
      const path = run?.detail.spool
      if (!run || typeof path !== 'string') continue
      if (run.detail.readAttempt) {
        await this.crashedReader(run, path)
        continue
      }
      if (!source || !takesFiles(source) || !(await spoolExists(path))) {
        await runs.intakeFailed(
          id,
          new Error('the bridge stopped before the file was read, and the file is gone: upload it again'),
        )
        continue
      }
      logger.info({ runId: id, source: run.source }, 'reading again an upload a stopped bridge left unread')
      const filename = typeof run.detail.filename === 'string' ? run.detail.filename : 'upload'
      const actor: Actor = { name: run.actor, role: 'resumed' }
      this.deps.track(this.read(run, source.kind, filename, path, actor).catch(() => undefined))
      resumed++
    }
    await this.removeOrphans(now)
    return resumed
  }

  /** A read of this run's file was under way when its process died: the run fails, the file is not read. */
  private async crashedReader(run: Run, path: string): Promise<void> {
    const { db, runs, logger } = this.deps
    logger.error(
      { runId: run.id, source: run.source, filename: run.detail.filename, attempt: run.detail.readAttempt },
      'a process died while reading this uploaded file: not read again, run failed',
    )
    // `spool: null` takes the run out of the unread ones; the file itself is kept a day (`removeOrphans`).
    await patchRunDetail(db, run.id, { reason: CRASHED_READER, spool: null, crashedSpool: path })
    await runs.intakeFailed(run.id, new Error(CRASHED_READER_MESSAGE))
    await this.deps.audit({ name: run.actor, role: 'resumed' }, 'upload', `run:${run.id}`, {
      source: run.source,
      filename: run.detail.filename,
      error: CRASHED_READER,
    })
  }

  /**
   * Removes the spool files no run points at, older than ORPHANED_AFTER_MS (see there), and the XLSX
   * readers' temporary directories as old (left by a process killed during a read).
   */
  private async removeOrphans(now: Date): Promise<void> {
    const { db, logger, spoolDir } = this.deps
    const temp = await removeStaleXlsxTemp(new Date(now.getTime() - ORPHANED_AFTER_MS))
    if (temp > 0) logger.warn({ directories: temp }, 'removed temporary XLSX files left by a stopped process')
    const old = await spoolsOlderThan(spoolDir, new Date(now.getTime() - ORPHANED_AFTER_MS))
    const inUse = await spoolsInUse(db, old)
    const orphans = old.filter((path) => !inUse.has(path))
    for (const path of orphans) await removeSpool(path)
    if (orphans.length > 0)
      logger.warn(
        { files: orphans.length, spoolDir },
        'removed uploaded files no run points at (a process stopped before creating their run)',
      )
  }

  /** The source of a run, or null when relais.config.yaml no longer has it. */
  private sourceOrNull(name: string): SourceConfig | null {
    try {
      return this.deps.sourceOf(name)
    } catch {
      return null
    }
  }

  /** Reads the spooled file into the ledger; the spool is removed once the run has read it (or failed). */
  private async read(run: Run, kind: FileKind, filename: string, path: string, actor: Actor) {
    const { intake, specs, runs, logger, db } = this.deps
    const about = { source: run.source, filename, mode: run.mode }
    this.reading.add(run.id)
    const beat = setInterval(() => {
      patchRunDetail(db, run.id, { spoolBeat: new Date().toISOString() }).catch((error: unknown) =>
        logger.warn({ runId: run.id, err: { message: String(error) } }, 'could not record the upload heartbeat'),
      )
    }, HEARTBEAT_MS)
    beat.unref()
    try {
      // Before the file is opened (see the crash-loop guard above); a fresh beat, so that no other process
      // takes this read for abandoned while it starts.
      const now = new Date().toISOString()
      await patchRunDetail(db, run.id, { readAttempt: { at: now, pid: process.pid }, spoolBeat: now })
      const read = await intakeFile(
        { intake, specs, runs },
        { source: run.source, kind, filename, body: createReadStream(path), actor: actor.name },
        run,
      )
      await this.deps.audit(actor, 'upload', `run:${run.id}`, { ...about, ...read })
      await this.forget(run.id, path)
      return read
    } catch (error) {
      logger.warn(
        { runId: run.id, source: run.source, err: { message: String(error) } },
        'the uploaded file could not be read',
      )
      // The spool goes before the run ends: whoever sees the run failed finds no file left behind.
      await this.forget(run.id, path)
      await runs.intakeFailed(run.id, error)
      await this.deps.audit(actor, 'upload', `run:${run.id}`, {
        ...about,
        error: error instanceof UnreadableFileError ? error.code : String(error),
      })
      throw error
    } finally {
      clearInterval(beat)
      this.reading.delete(run.id)
    }
  }

  private async forget(runId: string, path: string): Promise<void> {
    await patchRunDetail(this.deps.db, runId, { spool: null })
    await removeSpool(path)
  }
}

/** The file's SHA-256 (hex), read from the spool: an import confirms a dry run of the very same bytes. */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
