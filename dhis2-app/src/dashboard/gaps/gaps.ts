// Gaps (community-program.md "RC performance"): an RC that is Faible or did not report, the cause its
// supervisor records, the action decided and its due date, and every change with who and when. Pure:
// the dataStore document in, a new document out.

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

/** One dataStore key per analysed period: `relais/gaps-<periodId>`. */
export interface GapDocument {
  period: string
  gaps: Record<string, GapRecord>
}

export const gapKey = (periodId: string) => `gaps-${periodId}`

export interface Author {
  username: string
  name: string
}

export type GapProblem = 'causeDetail' | 'action' | 'dueDate'

/** What is missing or wrong in an entry (empty when it can be saved). */
export function gapInputProblems(input: GapInput): GapProblem[] {
  const problems: GapProblem[] = []
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

interface Subject {
  orgUnit: string
  orgUnitName: string
  period: string
  reason: GapReason
}

const emptyDocument = (period: string): GapDocument => ({ period, gaps: {} })

function withRecord(document: GapDocument | null, subject: Subject, change: (r: GapRecord) => GapRecord): GapDocument {
  const base = document ?? emptyDocument(subject.period)
  const current: GapRecord = base.gaps[subject.orgUnit] ?? { ...subject, history: [] }
  return { ...base, gaps: { ...base.gaps, [subject.orgUnit]: change(current) } }
}

/** Records or updates the cause, action and due date; the history keeps the values as entered. */
export function recordGap(
  document: GapDocument | null,
  subject: Subject,
  input: GapInput,
  author: Author,
  at: string,
): GapDocument {
  const clean: GapInput = {
    cause: input.cause,
    causeDetail: input.causeDetail.trim(),
    action: input.action.trim(),
    dueDate: input.dueDate,
  }
  return withRecord(document, subject, (record) => ({
    ...record,
    ...clean,
    orgUnitName: subject.orgUnitName,
    reason: subject.reason,
    history: [
      ...record.history,
      {
        event: record.history.length === 0 ? 'recorded' : 'updated',
        at,
        by: author.username,
        byName: author.name,
        ...clean,
      },
    ],
  }))
}

/** Closes (the action was done) or reopens a gap; both stay in the history. */
export function setGapClosed(
  document: GapDocument | null,
  subject: Subject,
  closed: boolean,
  author: Author,
  at: string,
): GapDocument {
  return withRecord(document, subject, (record) => {
    const { closedAt: _previous, ...rest } = record
    const event: GapEvent = closed ? 'closed' : 'reopened'
    return {
      ...rest,
      ...(closed ? { closedAt: at } : {}),
      history: [...record.history, { event, at, by: author.username, byName: author.name }],
    }
  })
}

/** Reads a stored document defensively: anything else than the expected shape counts as empty. */
export function readGapDocument(value: unknown, period: string): GapDocument {
  if (!value || typeof value !== 'object') return emptyDocument(period)
  const gaps = (value as { gaps?: unknown }).gaps
  if (!gaps || typeof gaps !== 'object') return emptyDocument(period)
  return { period, gaps: gaps as Record<string, GapRecord> }
}

/**
 * Who may record and close gaps: supervisors, who follow their RC (community-program.md). Data managers
 * and administrators read them. A user who is also a supervisor may edit.
 */
export const GAP_EDITOR_ROLES: readonly RelaisRole[] = ['superviseur']

export function canEditGaps(roles: readonly RelaisRole[]): boolean {
  return roles.some((role) => GAP_EDITOR_ROLES.includes(role))
}
