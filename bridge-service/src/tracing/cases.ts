/**
 * A site's list of patients lost to follow-up, row by row, down to what an RC needs to find the person (issue 19
 * §3). Pure: no I/O, no clock (`asOf` is given).
 *
 * What comes in: the site's patient id (kept only sealed, tracing/vault.ts), sex, an age or a birth date (only the
 * age band is kept: A_MOINS15, A_15_24, A_25PLUS), the missed appointment's date, the village or quarter, and how
 * to find the RC: the RC's org unit code (`code_rc`), or the aire sanitaire's code with the locality. Every other
 * column — name, phone, address, the birth date itself — is read by nobody and dropped here, before anything is
 * stored. Each row is checked on its own: a bad row is refused with its row number and the columns at fault, the
 * others go on. Messages never echo a cell (it may be a name or a number).
 */
import { fold } from '@relais/mappings'
import { looksLikeFormula } from '../sources/files/cells'

export const SEXES = ['M', 'F'] as const
export type Sex = (typeof SEXES)[number]
export const AGE_BANDS = ['A_MOINS15', 'A_15_24', 'A_25PLUS'] as const
export type AgeBand = (typeof AGE_BANDS)[number]

/** One case as kept: nothing here names the person. */
export interface IncomingCase {
  readonly rowNumber: number
  /** The site's own identifier: sealed before it is stored, never written anywhere in clear. */
  readonly siteId: string
  readonly sex: Sex
  readonly ageBand: AgeBand
  /** The missed appointment, YYYY-MM-DD. */
  readonly missedAppointment: string
  readonly locality: string
  /** The RC's org unit code, when the site knows it. */
  readonly rcCode?: string
  /** The aire sanitaire's code, to find the RC from the locality otherwise. */
  readonly areaCode?: string
}

export interface RowProblem {
  readonly rowNumber: number
  /** Stable codes the app and the site translate. */
  readonly codes: readonly string[]
  /** French, then English; never a cell's value. */
  readonly message: string
}

export type CheckedRow = { readonly ok: true; readonly value: IncomingCase } | ({ readonly ok: false } & RowProblem)

export const MAX_LOCALITY_CHARS = 100
export const MAX_SITE_ID_CHARS = 64

/** Column names as sites write them, folded (case, accents, spaces, "_" and "-" ignored). */
const COLUMNS = {
  siteId: [
    'idpatient',
    'identifiant',
    'identifiantpatient',
    'numeropatient',
    'patientid',
    'codepatient',
    'numerodossier',
    'id',
  ],
  sex: ['sexe', 'sex', 'genre'],
  birthDate: ['datenaissance', 'datedenaissance', 'naissance', 'birthdate', 'ddn'],
  age: ['age', 'ageans'],
  ageBand: ['trancheage', 'tranchedage', 'ageband'],
  missed: ['rdvmanque', 'daterdv', 'daterdvmanque', 'rendezvousmanque', 'missedappointment', 'dernierrdv'],
  locality: ['localite', 'village', 'quartier', 'villagequartier', 'locality'],
  rcCode: ['coderc', 'rc', 'relais'],
  areaCode: ['airesanitaire', 'codeaire', 'aire', 'codeairesanitaire'],
} as const
type Column = keyof typeof COLUMNS

const keyOf = (name: string) => fold(name).replace(/[_\-.'’]/g, '')

/** The cells of a row by what they hold; the first column matching a name wins, unknown columns are dropped. */
export function pickColumns(cells: Readonly<Record<string, unknown>>): Partial<Record<Column, string>> {
  const picked: Partial<Record<Column, string>> = {}
  for (const [name, raw] of Object.entries(cells)) {
    if (raw === null || raw === undefined || typeof raw === 'object') continue
    const key = keyOf(name)
    for (const column of Object.keys(COLUMNS) as Column[]) {
      if (picked[column] === undefined && (COLUMNS[column] as readonly string[]).includes(key))
        picked[column] = String(raw)
    }
  }
  return picked
}

/** YYYY-MM-DD from 2026-09-14, 14/09/2026, 14-09-2026 or 14.9.2026; undefined if not a real date. */
export function parseDate(text: string): string | undefined {
  const t = text.trim()
  let y: number, m: number, d: number
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+Z?)?$/.exec(t)
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  else {
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t)
    if (!match) return undefined
    ;[d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])]
  }
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900)
    return undefined
  return date.toISOString().slice(0, 10)
}

export function ageBandOf(years: number): AgeBand {
  return years < 15 ? 'A_MOINS15' : years < 25 ? 'A_15_24' : 'A_25PLUS'
}

/** Whole years between a birth date and a day (both YYYY-MM-DD). */
export function ageOn(birth: string, day: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number]
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

function sexOf(text: string): Sex | undefined {
  const t = fold(text)
  if (['m', 'h', 'masculin', 'homme', 'male'].includes(t)) return 'M'
  if (['f', 'feminin', 'femme', 'female'].includes(t)) return 'F'
  return undefined
}

function ageBandText(text: string): AgeBand | undefined {
  const t = fold(text).replace(/[_\s]/g, '')
  if (['amoins15', '<15', 'moins15', '0-14'].includes(t)) return 'A_MOINS15'
  if (['a1524', '15-24'].includes(t)) return 'A_15_24'
  if (['a25plus', '25+', '25plus'].includes(t)) return 'A_25PLUS'
  return undefined
}

/** Control characters and spreadsheet formulas have no place in what an RC reads on a phone. */
function unsafeText(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f\ufffd]/.test(text) || looksLikeFormula(text) || text.trim().startsWith('=')
}

const PROBLEMS: Record<string, [fr: string, en: string]> = {
  'site-id-missing': ['identifiant du patient absent', 'patient id missing'],
  'site-id-invalid': [
    'identifiant du patient illisible (trop long, formule ou caractères de contrôle)',
    'patient id unreadable (too long, a formula or control characters)',
  ],
  'sex-invalid': ['sexe absent ou illisible (M ou F)', 'sex missing or unreadable (M or F)'],
  'age-missing': ["ni âge, ni date de naissance, ni tranche d'âge lisible", 'no readable age, birth date or age band'],
  'missed-appointment-invalid': [
    'date du rendez-vous manqué absente ou illisible (AAAA-MM-JJ ou JJ/MM/AAAA)',
    'missed appointment date missing or unreadable (YYYY-MM-DD or DD/MM/YYYY)',
  ],
  'missed-appointment-future': ['rendez-vous manqué dans le futur', 'missed appointment in the future'],
  'locality-missing': ['localité (village ou quartier) absente', 'locality (village or quarter) missing'],
  'locality-invalid': [
    'localité illisible (trop longue, formule ou caractères de contrôle)',
    'locality unreadable (too long, a formula or control characters)',
  ],
  'rc-missing': ["ni code RC, ni code d'aire sanitaire", 'neither an RC code nor a health area code'],
  'code-invalid': ['code RC ou aire sanitaire illisible', 'RC or health area code unreadable'],
}

export function problemMessage(rowNumber: number, codes: readonly string[]): string {
  const fr = codes.map((c) => PROBLEMS[c]?.[0] ?? c).join(' ; ')
  const en = codes.map((c) => PROBLEMS[c]?.[1] ?? c).join('; ')
  return `Ligne ${rowNumber} : ${fr}. Row ${rowNumber}: ${en}.`
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/

/** One row of a list: the case to keep, or why it is refused. `asOf` (YYYY-MM-DD) is the day the list came in. */
export function checkRow(rowNumber: number, cells: Readonly<Record<string, unknown>>, asOf: string): CheckedRow {
  const c = pickColumns(cells)
  const codes: string[] = []
  const siteId = c.siteId?.trim() ?? ''
  if (siteId === '') codes.push('site-id-missing')
  else if (siteId.length > MAX_SITE_ID_CHARS || unsafeText(siteId)) codes.push('site-id-invalid')
  const sex = sexOf(c.sex ?? '')
  if (!sex) codes.push('sex-invalid')
  const missed = parseDate(c.missed ?? '')
  if (!missed) codes.push('missed-appointment-invalid')
  else if (missed > asOf) codes.push('missed-appointment-future')
  let ageBand = ageBandText(c.ageBand ?? '')
  const birth = parseDate(c.birthDate ?? '')
  if (!ageBand && birth && birth <= asOf) ageBand = ageBandOf(ageOn(birth, missed ?? asOf))
  const years = /^\s*\d{1,3}\s*$/.test(c.age ?? '') ? Number(c.age) : undefined
  if (!ageBand && years !== undefined && years <= 120) ageBand = ageBandOf(years)
  if (!ageBand) codes.push('age-missing')
  const locality = (c.locality ?? '').trim().replace(/\s+/g, ' ')
  if (locality === '') codes.push('locality-missing')
  else if (locality.length > MAX_LOCALITY_CHARS || unsafeText(locality)) codes.push('locality-invalid')
  const rcCode = c.rcCode?.trim().toUpperCase() || undefined
  const areaCode = c.areaCode?.trim().toUpperCase() || undefined
  if (!rcCode && !areaCode) codes.push('rc-missing')
  if ((rcCode && !CODE.test(rcCode)) || (areaCode && !CODE.test(areaCode))) codes.push('code-invalid')
  if (codes.length > 0) return { ok: false, rowNumber, codes, message: problemMessage(rowNumber, codes) }
  return {
    ok: true,
    value: {
      rowNumber,
      siteId,
      sex: sex!,
      ageBand: ageBand!,
      missedAppointment: missed!,
      locality,
      ...(rcCode ? { rcCode } : {}),
      ...(areaCode ? { areaCode } : {}),
    },
  }
}
