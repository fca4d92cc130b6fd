// Gaps (community-program.md "RC performance"): an RC that is Faible or did not report, the cause its
// supervisor records, the action decided and its due date, and every change with who and when. Pure: the
// changes as stored in, the gaps out; who and when come from DHIS2, never from the browser.

import type { RelaisRole } from '../../roles/roles'

export const GAP_CAUSES = ['abandon', 'maladie', 'rupture', 'reseau', 'formulaire', 'autre'] as const
export type GapCause = (typeof GAP_CAUSES)[number]

export type GapReason = 'faible' | 'notReported'

export type GapStatus = 'open' | 'overdue' | 'closed'

/** What a supervisor enters. */
export interface GapInput {
  cause: GapCause
  /** Free text; required for "autre". */
  causeDetail: string
  action: string
  /** 'YYYY-MM-DD' */
  dueDate: string
}

/** What the form holds while the supervisor fills it: no cause until they choose one (never a default). */
export type GapDraft = Omit<GapInput, 'cause'> & { cause: GapCause | '' }

export type GapEvent = 'recorded' | 'updated' | 'closed' | 'reopened'

export interface GapChange extends Partial<GapInput> {
  event: GapEvent
  /** Server local time 'YYYY-MM-DDTHH:mm:ss.SSS'. */
  at: string
  /** Username and display name of who made the change. */
  by: string
  byName: string
}

export interface GapRecord extends Partial<GapInput> {
  orgUnit: string
  orgUnitName: string
  period: string
  reason: GapReason
  /** Set when the gap is closed; removed when it is reopened. */
  closedAt?: string
  history: GapChange[]
}

/** The gaps of one period, folded from their changes (see foldGapChanges). */
export interface GapDocument {
  period: string
  gaps: Record<string, GapRecord>
}

export type GapProblem = 'cause' | 'causeDetail' | 'action' | 'dueDate'

/** What is missing or wrong in an entry (empty when it can be saved). */
export function gapInputProblems(input: GapDraft): GapProblem[] {
  const problems: GapProblem[] = []
  // A cause silently defaulting to « Abandon » put words in the supervisor's mouth (issue 14 §4).
  if (input.cause === '') problems.push('cause')
  if (input.cause === 'autre' && input.causeDetail.trim() === '') problems.push('causeDetail')
  if (input.action.trim() === '') problems.push('action')
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueDate) || Number.isNaN(Date.parse(input.dueDate))) problems.push('dueDate')
  return problems
}

/**
 * Closed once closed; overdue when an action was decided, its due date has passed (the day after it) and
 * the gap is still open; otherwise open — including a gap nobody has looked at yet.
 */
export function gapStatus(record: Pick<GapRecord, 'closedAt' | 'dueDate'> | undefined, today: string): GapStatus {
  if (record?.closedAt) return 'closed'
  if (record?.dueDate && today > record.dueDate) return 'overdue'
  return 'open'
}

export interface GapSubject {
  orgUnit: string
  orgUnitName: string
  period: string
  reason: GapReason
}

/**
 * One change, as stored: its own dataStore entry `relais/gap-<period>-<orgUnit>-<random>`, shared with the
 * supervisors, data managers and administrators only (gapStore.ts). Who made it and when are not in it: DHIS2
 * records them in the entry's metaData, where no browser can forge them (issue 11 §7).
 */
export interface GapChangeValue extends GapSubject, Partial<GapInput> {
  event: 'record' | 'close' | 'reopen'
}

export const GAP_KEY_PREFIX = 'gap-'
export const gapPeriodPrefix = (periodId: string) => `${GAP_KEY_PREFIX}${periodId}-`
export const gapChangeKey = (subject: GapSubject, random: string) =>
  `${gapPeriodPrefix(subject.period)}${subject.orgUnit}-${random}`

/** Records or updates the cause, action and due date (trimmed as entered). */
export function recordChange(subject: GapSubject, input: GapInput): GapChangeValue {
  return {
    ...subject,
    event: 'record',
    cause: input.cause,
    causeDetail: input.causeDetail.trim(),
    action: input.action.trim(),
    dueDate: input.dueDate,
  }
}

/** Closes (the action was done) or reopens a gap. */
export function closeChange(subject: GapSubject, closed: boolean): GapChangeValue {
  return { ...subject, event: closed ? 'close' : 'reopen' }
}

/** A stored change with what DHIS2 says about it (its metaData). */
export interface GapChangeEntry {
  key: string
  value: unknown
  createdBy: { id: string; username: string; name: string }
  /** DHIS2's `lastUpdatedBy` id: an entry someone else rewrote is not its author's any more. */
  lastUpdatedById: string
  /** DHIS2's `created`, server local time. */
  created: string
}

const isCause = (value: unknown): value is GapCause => (GAP_CAUSES as readonly unknown[]).includes(value)
const text = (value: unknown, max = 2000) => (typeof value === 'string' ? value.slice(0, max) : undefined)

function readChange(value: unknown, period: string): GapChangeValue | undefined {
  if (!value || typeof value !== 'object') return undefined
  const v = value as Record<string, unknown>
  const event = v.event
  if (event !== 'record' && event !== 'close' && event !== 'reopen') return undefined
  if (v.period !== period || typeof v.orgUnit !== 'string') return undefined
  const reason: GapReason = v.reason === 'faible' ? 'faible' : 'notReported'
  const base: GapChangeValue = {
    event,
    period,
    orgUnit: v.orgUnit,
    orgUnitName: text(v.orgUnitName, 200) ?? '',
    reason,
  }
  if (event !== 'record') return base
  if (!isCause(v.cause) || typeof v.dueDate !== 'string') return undefined
  return {
    ...base,
    cause: v.cause,
    causeDetail: text(v.causeDetail) ?? '',
    action: text(v.action) ?? '',
    dueDate: v.dueDate.slice(0, 10),
  }
}

/**
 * The gaps of a period from their changes, oldest first. Only changes written by a trusted author (a
 * supervisor: `trusted` holds their DHIS2 user ids) and not rewritten by anyone else count; the others are
 * counted in `ignored` — an RC who writes a change in the namespace changes nothing.
 */
export function foldGapChanges(
  entries: readonly GapChangeEntry[],
  period: string,
  trusted: ReadonlySet<string>,
): { document: GapDocument; ignored: number } {
  const document: GapDocument = { period, gaps: {} }
  let ignored = 0
  const sorted = [...entries].sort((a, b) => a.created.localeCompare(b.created) || a.key.localeCompare(b.key))
  for (const entry of sorted) {
    const change = readChange(entry.value, period)
    const authentic =
      trusted.has(entry.createdBy.id) &&
      entry.lastUpdatedById === entry.createdBy.id &&
      entry.key.startsWith(gapPeriodPrefix(period))
    if (!change || !authentic) {
      ignored++
      continue
    }
    const { event, ...subject } = change
    const current: GapRecord = document.gaps[change.orgUnit] ?? {
      orgUnit: subject.orgUnit,
      orgUnitName: subject.orgUnitName,
      period,
      reason: subject.reason,
      history: [],
    }
    const who = { at: entry.created, by: entry.createdBy.username, byName: entry.createdBy.name }
    let next: GapRecord
    if (event === 'record') {
      const input: GapInput = {
        cause: change.cause!,
        causeDetail: change.causeDetail ?? '',
        action: change.action ?? '',
        dueDate: change.dueDate ?? '',
      }
      next = {
        ...current,
        ...input,
        orgUnitName: subject.orgUnitName,
        reason: subject.reason,
        history: [
          ...current.history,
          { event: current.history.length === 0 ? 'recorded' : 'updated', ...who, ...input },
        ],
      }
    } else {
      const { closedAt: _previous, ...rest } = current
      next = {
        ...rest,
        ...(event === 'close' ? { closedAt: entry.created } : {}),
        history: [...current.history, { event: event === 'close' ? 'closed' : 'reopened', ...who }],
      }
    }
    document.gaps[change.orgUnit] = next
  }
  return { document, ignored }
}

/**
 * Who may record and close gaps: supervisors, who follow their RC (community-program.md). Data managers
 * and administrators read them. A user who is also a supervisor may edit.
 */
export const GAP_EDITOR_ROLES: readonly RelaisRole[] = ['superviseur']

export function canEditGaps(roles: readonly RelaisRole[]): boolean {
  return roles.some((role) => GAP_EDITOR_ROLES.includes(role))
}

/** The entry to record, once nothing is missing (gapInputProblems empty). */
export const completeDraft = (draft: GapDraft): GapInput | undefined =>
  draft.cause === '' || gapInputProblems(draft).length > 0 ? undefined : { ...draft, cause: draft.cause }
