/**
 * A site's list as rows of cells, from either format a site sends (issue 19 §3): a CSV file (the readers of
 * sources/files: separators, encodings, BOM, quotes, formulas and over-long cells are handled there), or a FHIR R4
 * Bundle of `Patient` and `Appointment` resources, where each appointment the patient missed — status `noshow`, or
 * `booked` with its start already past — is one row. Rows then go through `checkRow` (cases.ts) alike.
 * Bounded: a list past MAX_LIST_ROWS rows is refused whole (the site splits it).
 */
import { readCsvRows } from '../sources/files/csv'
import { UnreadableFileError, type FileSummary } from '../sources/files/findings'

export const MAX_LIST_ROWS = 5_000
export const MAX_LIST_BYTES = 2 * 1024 * 1024

export interface ListRow {
  readonly rowNumber: number
  readonly cells: Readonly<Record<string, unknown>>
}

export class ListError extends Error {
  override readonly name = 'ListError'
  constructor(
    readonly code: 'unreadable' | 'too-many-rows' | 'not-fhir',
    message: string,
  ) {
    super(message)
  }
}

export async function csvRows(body: Buffer): Promise<ListRow[]> {
  const summary: FileSummary = {
    format: 'csv',
    filename: 'liste.csv',
    headers: [],
    rows: 0,
    rowsWithFindings: 0,
    blankRowsSkipped: 0,
    trailingBlankRows: 0,
    findings: [],
  }
  const rows: ListRow[] = []
  try {
    for await (const row of readCsvRows(once(body), summary)) {
      if (rows.length >= MAX_LIST_ROWS) throw tooMany()
      rows.push({ rowNumber: row.rowNumber, cells: row.cells })
    }
  } catch (error) {
    if (error instanceof ListError) throw error
    if (error instanceof UnreadableFileError)
      throw new ListError('unreadable', `Fichier illisible. Unreadable file: ${error.message}`)
    throw error
  }
  return rows
}

/** The body as the readers take it: an async iterable of chunks. */
async function* once(body: Buffer): AsyncGenerator<Uint8Array> {
  yield body
}

const tooMany = () =>
  new ListError(
    'too-many-rows',
    `Liste trop longue : au plus ${MAX_LIST_ROWS} lignes par envoi. List too long: at most ${MAX_LIST_ROWS} rows per list.`,
  )

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined)

/** Rows of a FHIR Bundle: one per missed appointment, with its patient's cells. `asOf`: YYYY-MM-DD. */
export function fhirRows(bundle: unknown, asOf: string): ListRow[] {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry))
    throw new ListError(
      'not-fhir',
      'Le corps doit être un Bundle FHIR R4 avec des entrées Patient et Appointment. The body must be a FHIR R4 Bundle with Patient and Appointment entries.',
    )
  const resources = bundle.entry.map((e) => (isObject(e) && isObject(e.resource) ? e.resource : undefined))
  const patients = new Map<string, Json>()
  resources.forEach((r, i) => {
    if (r?.resourceType !== 'Patient') return
    const entry = bundle.entry as unknown[]
    const fullUrl = isObject(entry[i]) ? text((entry[i] as Json).fullUrl) : undefined
    if (text(r.id)) patients.set(`Patient/${String(r.id)}`, r)
    if (fullUrl) patients.set(fullUrl, r)
  })
  const rows: ListRow[] = []
  resources.forEach((r, i) => {
    if (r?.resourceType !== 'Appointment') return
    const start = text(r.start)?.slice(0, 10)
    const missed = r.status === 'noshow' || (r.status === 'booked' && start !== undefined && start < asOf)
    if (!missed) return
    if (rows.length >= MAX_LIST_ROWS) throw tooMany()
    const participants = Array.isArray(r.participant) ? r.participant : []
    const reference = participants
      .map((p) => (isObject(p) && isObject(p.actor) ? text(p.actor.reference) : undefined))
      .find((ref) => ref !== undefined && (ref.startsWith('Patient/') || patients.has(ref)))
    const patient = reference ? patients.get(reference) : undefined
    rows.push({ rowNumber: i + 1, cells: patient ? patientCells(patient, start) : { rdv_manque: start ?? '' } })
  })
  return rows
}

function patientCells(p: Json, missed: string | undefined): Record<string, string> {
  const identifiers = Array.isArray(p.identifier) ? p.identifier.filter(isObject) : []
  const siteId = identifiers.map((i) => text(i.value)).find((v) => v !== undefined) ?? text(p.id) ?? ''
  const address = (Array.isArray(p.address) ? p.address.filter(isObject) : [])[0] ?? {}
  const extensions = Array.isArray(p.extension) ? p.extension.filter(isObject) : []
  const rc = extensions.find((e) => typeof e.url === 'string' && /code-rc$/i.test(e.url))
  const gender = p.gender === 'male' ? 'M' : p.gender === 'female' ? 'F' : ''
  return {
    id_patient: siteId,
    sexe: gender,
    date_naissance: text(p.birthDate) ?? '',
    rdv_manque: missed ?? '',
    localite: text(address.city) ?? text(address.text) ?? '',
    aire_sanitaire: text(address.district) ?? '',
    code_rc: text(rc?.valueString) ?? text(rc?.valueCode) ?? '',
  }
}
