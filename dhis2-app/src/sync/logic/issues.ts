// Why a record is in quarantine, read from its last error (bridge map-worker: `{ kind, errors: MappingIssue[] }`,
// push-worker: `{ kind: 'conflict', rejected }`) and from a refused release (`errors: MappingIssue[]`); and the
// corrected record a data manager sends back. Pure.
import type { Language } from '../../shared/language'
import type { MappingIssue } from '../api/types'

type Loose = Record<string, unknown>
const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function asIssue(value: unknown): MappingIssue | undefined {
  if (!isObject(value) || typeof value.code !== 'string') return undefined
  const message = value.message
  const bilingual = isObject(message) && typeof message.fr === 'string' && typeof message.en === 'string'
  if (!bilingual && typeof message !== 'string') return undefined
  return value as unknown as MappingIssue
}

/** The mapper's issues in a list (release errors) or in a last error's `errors`. */
export function issuesIn(value: unknown): MappingIssue[] {
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.errors) ? value.errors : []
  return list.map(asIssue).filter((issue): issue is MappingIssue => issue !== undefined)
}

export function issueText(issue: MappingIssue, language: Language): string {
  return typeof issue.message === 'string' ? issue.message : issue.message[language] || issue.message.en
}

/** The source fields named by the issues (an issue may name several, comma-separated). */
export function fieldsWithIssues(issues: readonly MappingIssue[]): Set<string> {
  const fields = new Set<string>()
  for (const issue of issues) {
    for (const field of (issue.field ?? '').split(',')) if (field.trim()) fields.add(field.trim())
  }
  return fields
}

/** The issues about one field. */
export function issuesOfField(issues: readonly MappingIssue[], field: string): MappingIssue[] {
  return issues.filter((issue) => (issue.field ?? '').split(',').some((f) => f.trim() === field))
}

/** A raw record's fields as text, for editing (a CSV row is already text; numbers and booleans become text). */
export function editableFields(raw: unknown): Array<{ field: string; value: string }> | undefined {
  if (!isObject(raw)) return undefined
  return Object.entries(raw).map(([field, value]) => ({
    field,
    value:
      value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value),
  }))
}

/**
 * The corrected record to send with a release: the raw record with the edited fields, or undefined when nothing was
 * changed (the bridge then re-validates the record as it is). Only edited fields change, so fields the console
 * cannot show as text keep their original value.
 */
export function correctedRecord(raw: unknown, edits: Readonly<Record<string, string>>): Loose | undefined {
  if (!isObject(raw)) return undefined
  const original = editableFields(raw) ?? []
  const changed = original.filter(({ field, value }) => field in edits && edits[field] !== value)
  if (changed.length === 0) return undefined
  const out: Loose = { ...raw }
  for (const { field } of changed) out[field] = edits[field]
  return out
}
