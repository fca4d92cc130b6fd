/**
 * A site's list, from the request's bytes to the ledger (issue 19 §3), inside the request: each row is checked,
 * its patient id pseudonymised and sealed, and only then is anything stored — the raw body is never written
 * anywhere (no payload archive, no upload spool, no log), and the answer names refused rows by number and reason.
 */
import type { Db } from '../ledger'
import { tracingLedger, type NewTracingCase } from '../ledger/tracing'
import type { TracingSite } from '../config/tracing-config'
import { checkRow, type RowProblem } from './cases'
import { csvRows, fhirRows, ListError, type ListRow } from './list'
import { eventUid, normaliseSiteId, pseudonym, tracingCode } from './pseudonym'
import type { Vault } from './vault'

export interface ListResult {
  readonly listId: string
  readonly rows: number
  /** New cases, each to become an RC's task. */
  readonly accepted: number
  /** Cases already known (the same patient sent again by the site): not a second task. */
  readonly duplicates: number
  readonly refused: readonly RowProblem[]
}

export interface IntakeDeps {
  readonly db: Db
  readonly key: string
  readonly vault: Vault
}

export async function rowsOf(site: TracingSite, body: Buffer, asOf: string): Promise<ListRow[]> {
  if (site.format === 'csv') return csvRows(body)
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    throw new ListError('not-fhir', 'Le corps n’est pas du JSON. The body is not JSON.')
  }
  return fhirRows(json, asOf)
}

export async function receiveList(
  deps: IntakeDeps,
  site: TracingSite,
  body: Buffer,
  asOf: string,
): Promise<ListResult> {
  const rows = await rowsOf(site, body, asOf)
  const refused: RowProblem[] = []
  const cases = new Map<string, NewTracingCase>()
  for (const row of rows) {
    const checked = checkRow(row.rowNumber, row.cells, asOf)
    if (!checked.ok) {
      refused.push({ rowNumber: checked.rowNumber, codes: checked.codes, message: checked.message })
      continue
    }
    const c = checked.value
    const full = pseudonym(deps.key, site.code, c.siteId)
    if (cases.has(full)) continue
    cases.set(full, {
      site: site.code,
      pseudonym: full,
      tracingCode: tracingCode(full),
      sealedId: deps.vault.seal(site.code, c.siteId),
      eventUid: eventUid(full),
      sex: c.sex,
      ageBand: c.ageBand,
      locality: c.locality,
      missedAppointment: c.missedAppointment,
      rcHint: c.rcCode ?? null,
      areaHint: c.areaCode ?? null,
    })
  }
  return deps.db.transaction(async (tx) => {
    const ledger = tracingLedger(tx)
    const added = await ledger.addCases([...cases.values()])
    const ok = rows.length - refused.length
    const listId = await ledger.addList({
      site: site.code,
      format: site.format,
      rows: rows.length,
      accepted: added.length,
      duplicates: ok - added.length,
      quarantined: 0,
      refused: refused.map((r) => ({ rowNumber: r.rowNumber, codes: r.codes })),
    })
    return { listId, rows: rows.length, accepted: added.length, duplicates: ok - added.length, refused }
  })
}

/** The site's id as compared when checking a re-identification against the case's pseudonym. */
export { normaliseSiteId }
