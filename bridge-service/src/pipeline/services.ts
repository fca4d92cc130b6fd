/**
 * What the pipeline offers the API and the CLI: the only way they change records or start work. The
 * API reads lists and details straight from the ledger's repositories; every write goes through here,
 * so that each one is validated, audited and enqueued the same way whoever asked.
 */
import type { Readable } from 'node:stream'
import type { RunMode } from '../ledger/runs'
import type { ReleasePreview } from './quarantine/actions'

export interface Actor {
  /** DHIS2 username or API key name; `scheduler` / `pipeline:*` for the system itself. */
  name: string
  role: string
}

export interface UploadInput {
  source: string
  filename: string
  /** The raw file bytes (CSV or XLSX, recognised from the bytes). */
  body: Readable | Buffer
  mode: RunMode
  /** The dry run this import confirms: refused unless the same file and DHIS2 unchanged (upload-confirm.ts). */
  confirms?: string
}

export interface WebhookDelivery {
  source: string
  /** The records of `{"records": [...]}`, already checked against the signature. */
  records: unknown[]
  /** The delivery's signature: stored with its records, in the same transaction. */
  signature?: string
}

export interface StartedRun {
  id: string
}

export interface PipelineServices {
  /** Starts a pull (Kobo) or replays a source's last input; 202 + id. Unknown source → UnknownSourceError. */
  startRun(source: string, mode: RunMode, actor: Actor): Promise<StartedRun>
  /** A file becomes a run: durable (spooled) before this resolves; `rows` once committed, null while still reading. */
  upload(input: UploadInput, actor: Actor): Promise<StartedRun & { rows: number | null }>
  /** Webhook intake: records are durable in the ledger before this resolves (then 202). */
  receive(delivery: WebhookDelivery): Promise<{ runId: string; accepted: number; duplicates: number }>
  /** Whether a delivery with this signature has its records durable in the ledger (a true replay). */
  deliveryStored(source: string, signature: string): Promise<boolean>
  cancelRun(runId: string, actor: Actor): Promise<void>
  /** Failed records of a run go back to mapped and are pushed again. */
  retryFailed(runId: string, actor: Actor): Promise<{ retried: number }>
  /** A quarantined record, optionally with a corrected raw payload, is re-validated then re-queued. */
  release(
    recordId: string,
    actor: Actor,
    corrected?: unknown,
    note?: string,
    /** An overwrite: the values whose DHIS2 value the person keeps. */
    keep?: ReadonlyArray<{ dataElement: string; categoryOptionCombo: string }>,
  ): Promise<{ status: string; errors?: unknown[] }>
  /** What releasing a quarantined record (or its correction) would write, value by value; reads only. */
  previewRelease(recordId: string, corrected?: unknown): Promise<ReleasePreview>
  discard(recordId: string, actor: Actor, reason: string): Promise<void>
  /** Un-completes in DHIS2 the report a source retracted (a data manager's decision), with a reason. */
  uncomplete(recordId: string, actor: Actor, reason: string): Promise<{ status: 'uncompleted' | 'not-complete' }>
  /** Fetches DHIS2 metadata now, stores the snapshot, recompiles the specs, reports drift. */
  refreshMetadata(actor: Actor): Promise<{ snapshotId: string; drift: unknown[] }>
}

/** The source is not in relais.config.yaml. */
export class UnknownSourceError extends Error {
  constructor(readonly source: string) {
    super(`Unknown source "${source}": it is not in relais.config.yaml`)
  }
}

/** The request cannot be done in the record's or run's current state (e.g. release a record not quarantined). */
export class StateConflictError extends Error {}

/** No such run (or other object the request names): the API answers 404. Unknown records raise the ledger's RecordNotFoundError. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError'
}
