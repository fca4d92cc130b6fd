/**
 * The pseudonyms of the patients a site asks the RC to trace (issue 19 §3). Pure: no I/O.
 *
 * - `pseudonym`: HMAC-SHA256 keyed with RELAIS_PSEUDONYM_KEY over the site's code and the site's patient id, in
 *   full (64 hex digits). The same patient sent again by the same site gives the same pseudonym — a resent list
 *   never makes a second case — while the same number at two sites are two people. Kept in the ledger only.
 * - `tracingCode`: 50 bits of the same HMAC as ten letters and digits people can read on a phone and say aloud
 *   (`PDV-7K3MQ-9XRT2`, Crockford's alphabet: no I, L, O, U). It is what DHIS2, the RC and the site's counsellor
 *   share: the counsellor holds the site's list keyed by the same code, and tells the RC whom to look for.
 * - `eventUid`: the DHIS2 uid of the case's tracing event, derived from the pseudonym, so that creating the task
 *   twice (a retry after a lost answer, a resent list) updates the one event instead of making a second.
 *
 * The inputs are domain-separated ("relais-tracing") from the pseudonyms of mapping specs (sources/pseudonym.ts),
 * so a patient number pseudonymised by a spec and the same number traced here cannot be linked by their values.
 */
import { createHash, createHmac } from 'node:crypto'

const PSEUDONYM_PREFIX = 'pdv_'
const PSEUDONYM = /^pdv_[0-9a-f]{64}$/
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const TRACING_CODE = /^PDV-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/
const UID_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const UID_CHARS = `${UID_LETTERS}0123456789`

/** The site's own identifier as compared: trimmed, inner spaces removed, upper case ("  ab 12 " = "AB12"). */
export function normaliseSiteId(id: string): string {
  return id.normalize('NFC').replace(/\s+/g, '').toUpperCase()
}

function digest(key: string, site: string, siteId: string): Buffer {
  return createHmac('sha256', key)
    .update(`relais-tracing\u0000${site}\u0000${normaliseSiteId(siteId)}`, 'utf8')
    .digest()
}

export function pseudonym(key: string, site: string, siteId: string): string {
  return PSEUDONYM_PREFIX + digest(key, site, siteId).toString('hex')
}

export function isTracingPseudonym(value: string): boolean {
  return PSEUDONYM.test(value)
}

/** The readable code of a pseudonym: its first 50 bits, ten characters of Crockford base 32. */
export function tracingCode(fullPseudonym: string): string {
  if (!isTracingPseudonym(fullPseudonym)) throw new Error('not a tracing pseudonym')
  const bits = BigInt(`0x${fullPseudonym.slice(PSEUDONYM_PREFIX.length, PSEUDONYM_PREFIX.length + 13)}`) >> 2n
  let text = ''
  for (let i = 9; i >= 0; i--) text += CROCKFORD[Number((bits >> BigInt(i * 5)) & 31n)]
  return `PDV-${text.slice(0, 5)}-${text.slice(5)}`
}

/** A DHIS2 uid (11 characters, a letter first) drawn from the pseudonym: one event per case, however often sent. */
export function eventUid(fullPseudonym: string): string {
  const bytes = createHash('sha256').update(`relais-tracing-event\u0000${fullPseudonym}`).digest()
  let uid = UID_LETTERS[bytes[0]! % UID_LETTERS.length]!
  for (let i = 1; i < 11; i++) uid += UID_CHARS[bytes[i]! % UID_CHARS.length]
  return uid
}
