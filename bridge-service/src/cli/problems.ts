/**
 * One line saying what is wrong with a record, from what the pipeline stored in `last_error`: the mapper's
 * issues (code, field, raw value, English message), DHIS2's messages (conflicts, refusals), duplicates.
 */
import { messagesIn } from '../api/dhis2-messages'

type Loose = Record<string, unknown>
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v)
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

function issueLine(issue: unknown): string | undefined {
  if (!isObject(issue)) return undefined
  const message = isObject(issue.message) ? (text(issue.message.en) ?? text(issue.message.fr)) : text(issue.message)
  const where = [text(issue.field), text(issue.dataElement)].filter(Boolean).join(' → ')
  const raw = text(issue.raw) !== undefined ? ` (value "${text(issue.raw)}")` : ''
  const head = [text(issue.code), where].filter(Boolean).join(' ')
  return [head + raw, message].filter(Boolean).join(': ') || undefined
}

/** The first problem of a record, plus how many more there are: `E7619 palu_ref_grave: … (+2 more)`. */
export function problemOf(lastError: unknown, reason?: string | null): string {
  const lines: string[] = []
  if (isObject(lastError)) {
    if (Array.isArray(lastError.errors)) for (const e of lastError.errors) lines.push(issueLine(e) ?? '')
    for (const m of messagesIn(lastError)) {
      lines.push(
        [m.errorCode, m.dataElement].filter(Boolean).join(' ') + (m.errorCode || m.dataElement ? ': ' : '') + m.message,
      )
    }
    if (lines.length === 0 && Array.isArray(lastError.duplicates)) {
      lines.push(
        `${lastError.duplicates.length} value(s) already sent to DHIS2 by another source with a different value`,
      )
    }
    if (lines.length === 0) {
      const message = text(lastError.message)
      if (message) lines.push(message)
    }
  } else if (text(lastError)) {
    lines.push(text(lastError)!)
  }
  const found = lines.filter((l) => l !== '')
  if (found.length === 0) return reason ?? ''
  return found.length === 1 ? found[0]! : `${found[0]} (+${found.length - 1} more)`
}
