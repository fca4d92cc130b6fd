/**
 * Keyed-hash pseudonyms of personal identifiers (a patient number, a phone number): HMAC-SHA256 with
 * RELAIS_PSEUDONYM_KEY, so the same identifier always gives the same pseudonym — records of one person can
 * still be linked across sources and months — while nobody without the key can go back to it or test a guess.
 * Applied to the fields a mapping spec names in `pseudonymise`, before a record enters the ledger or DHIS2.
 * Pure: no I/O.
 */
import { createHmac } from 'node:crypto'
import { fold } from '@relais/mappings'

const PREFIX = 'ps_'
/** 128 bits of the HMAC: no collision among any number of people a programme will ever have. */
const HEX_LENGTH = 32
const PSEUDONYM = new RegExp(`^${PREFIX}[0-9a-f]{${HEX_LENGTH}}$`)

export function isPseudonym(value: string): boolean {
  return PSEUDONYM.test(value)
}

/** The pseudonym of an identifier (trimmed first: " 123 " and "123" are one person). */
export function pseudonym(key: string, identifier: string): string {
  return PREFIX + createHmac('sha256', key).update(identifier.trim(), 'utf8').digest('hex').slice(0, HEX_LENGTH)
}

/**
 * A copy of `raw` whose `fields` hold pseudonyms. Blank values stay blank; a value that already is a pseudonym is
 * kept (a record read again from the ledger, a corrected record released), so applying it twice changes nothing.
 */
export function pseudonymise(raw: unknown, fields: readonly string[], key: string): unknown {
  if (fields.length === 0 || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw
  const record = raw as Record<string, unknown>
  const personal = foldedNames(fields)
  let copy: Record<string, unknown> | undefined
  for (const field of Object.keys(record)) {
    if (!isPersonalField(field, personal)) continue
    const value = record[field]
    if (value === null || value === undefined) continue
    const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)
    if (text.trim() === '' || isPseudonym(text)) continue
    copy ??= { ...record }
    copy[field] = pseudonym(key, text)
  }
  return copy ?? raw
}

/**
 * Field names compared as people write them: a spec's `telephone` names the column `Téléphone`, `TELEPHONE` or
 * `télé phone` too (case, accents and spaces ignored), so that a partner's spelling never lets a phone number
 * through in clear.
 */
export function foldedNames(fields: readonly string[]): ReadonlySet<string> {
  return new Set(fields.map(fold))
}

export function isPersonalField(field: string, folded: ReadonlySet<string>): boolean {
  return folded.size > 0 && folded.has(fold(field))
}
