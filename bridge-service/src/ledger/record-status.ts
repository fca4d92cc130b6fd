/**
 * A record's life (DESIGN.md, "A record's life"): statuses, which are terminal, and the allowed transitions.
 * Pure: the pipeline, the API and the ledger import it.
 *
 * ```
 * received ──map──► mapped ──push──► imported
 *    │                 │   └──────► unchanged
 *    └──► quarantined ◄┘ (invalid | conflict | duplicate | late)
 *            ├─ release ──► mapped
 *            └─ discard ──► discarded
 * mapped ──(N transient failures)──► failed ──retry by hand──► mapped
 * ```
 */

export const RECORD_STATUSES = [
  'received',
  'mapped',
  'imported',
  'unchanged',
  'quarantined',
  'discarded',
  'failed',
] as const
export type RecordStatus = (typeof RECORD_STATUSES)[number]

/** Why a record is in quarantine. */
export const QUARANTINE_REASONS = ['invalid', 'conflict', 'duplicate', 'late', 'overwrite'] as const
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number]

/** No automatic work is left: `failed` stays here until someone retries it by hand. */
export const TERMINAL_STATUSES: readonly RecordStatus[] = ['imported', 'unchanged', 'discarded', 'failed']

/** Waiting for a person (release or discard), not for the pipeline. */
export const PARKED_STATUSES: readonly RecordStatus[] = ['quarantined']

/** The pipeline owes these records work: reconciliation re-enqueues them when they have no live job. */
export const IN_FLIGHT_STATUSES: readonly RecordStatus[] = ['received', 'mapped']

export const TRANSITIONS: Readonly<Record<RecordStatus, readonly RecordStatus[]>> = {
  received: ['mapped', 'quarantined'],
  mapped: ['imported', 'unchanged', 'quarantined', 'failed'],
  imported: [],
  unchanged: [],
  quarantined: ['mapped', 'discarded'],
  discarded: [],
  failed: ['mapped'],
}

export function isRecordStatus(value: unknown): value is RecordStatus {
  return typeof value === 'string' && (RECORD_STATUSES as readonly string[]).includes(value)
}

export function isQuarantineReason(value: unknown): value is QuarantineReason {
  return typeof value === 'string' && (QUARANTINE_REASONS as readonly string[]).includes(value)
}

export function isTerminal(status: RecordStatus): boolean {
  return TERMINAL_STATUSES.includes(status)
}

export function canTransition(from: RecordStatus, to: RecordStatus): boolean {
  return TRANSITIONS[from].includes(to)
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError'
  constructor(
    readonly from: RecordStatus,
    readonly to: RecordStatus,
    message?: string,
  ) {
    const allowed = TRANSITIONS[from]
    super(
      message ??
        `a record cannot go from ${from} to ${to} (from ${from}: ${allowed.length > 0 ? allowed.join(', ') : 'none, it is terminal'})`,
    )
  }
}

/**
 * Throws IllegalTransitionError unless `from → to` is allowed and the reason fits: going to `quarantined`
 * needs one of QUARANTINE_REASONS, going to `discarded` needs a non-empty reason.
 */
export function assertTransition(from: RecordStatus, to: RecordStatus, reason?: string | null): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to)
  if (to === 'quarantined' && !isQuarantineReason(reason)) {
    throw new IllegalTransitionError(
      from,
      to,
      `a record goes to quarantine with a reason among ${QUARANTINE_REASONS.join(', ')} (got ${JSON.stringify(reason ?? null)})`,
    )
  }
  if (to === 'discarded' && !(typeof reason === 'string' && reason.trim() !== '')) {
    throw new IllegalTransitionError(from, to, 'a record is discarded with a reason')
  }
}

/** How a run treats DHIS2 (a dry run writes nothing), and where it is. */
export const RUN_MODES = ['dry-run', 'import'] as const
export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const
