/**
 * The `completion` part of a spec, compiled: whether a record is an RC's whole report, and when it was
 * submitted. The bridge registers the data set complete for such a record once its values are in DHIS2.
 */
import type { CompletionSpec } from '../spec/schema'
import { conditionTest } from './expressions'

export interface RecordCompletion {
  /** When the source says the report was submitted, as an ISO instant (UTC); absent: unknown. */
  submittedAt?: string
  /** The report may be completed with some of its values refused. */
  partial: boolean
}

type Read = (field: string) => string | undefined

/** `2026-11-03T10:15:00` (UTC, as Kobo gives it), `…Z`, `…+01:00`, or a bare date → an ISO instant. */
export function submissionInstant(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text.trim(),
  )
  if (!m) return undefined
  const time = m[2] ?? '00:00:00'
  const zone = m[3] ? (m[3].toUpperCase() === 'Z' ? 'Z' : m[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z'
  const date = new Date(`${m[1]}T${time.length === 5 ? `${time}:00` : time}${zone}`)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

export function compileCompletion(spec: CompletionSpec): (read: Read) => RecordCompletion | undefined {
  const { report, submittedAt, partial } = spec
  if (report === false) return () => undefined
  let isReport = (_read: Read) => true
  if (report !== true) {
    const test = conditionTest(report)
    isReport = (read) => test(read(report.field))
  }
  return (read) => {
    if (!isReport(read)) return undefined
    const text = submittedAt === undefined ? undefined : read(submittedAt)
    const instant = text === undefined ? undefined : submissionInstant(text)
    return { partial, ...(instant ? { submittedAt: instant } : {}) }
  }
}

/** The fields a completion reads (kept when a record is received, like the values' fields). */
export function completionFields(spec: CompletionSpec): string[] {
  const fields: string[] = []
  if (typeof spec.report === 'object') fields.push(spec.report.field)
  if (spec.submittedAt !== undefined) fields.push(spec.submittedAt)
  return fields
}
