/**
 * The RC roster (issue 12 §4), pure: the rows of a roster file (one RC per row — code, nom, prénom, sexe,
 * téléphone, aire sanitaire, date de début, date de fin) checked line by line, in French with the line number,
 * then turned into what DHIS2 must hold: each RC as an org unit under its aire, the active-RC group, the data
 * sets' org units, and (when asked) each RC's user. Departed RC are closed (closedDate), never deleted: their
 * data stays.
 */
import { createHash } from 'node:crypto'

export interface RosterRow {
  line: number
  cells: Record<string, string>
}

export interface RosterRc {
  line: number
  code: string
  lastName: string
  firstName: string
  sex: 'M' | 'F'
  /** +229 and 10 digits (or 8, before Benin's 2024 renumbering). */
  phone: string
  aire: Aire
  start: string
  end?: string
}

export interface RosterProblem {
  line: number
  fr: string
  en: string
}

export interface Aire {
  id: string
  code?: string
  name: string
  path: string
}

/** Case, accents and spacing do not matter in a header or an aire's name. */
export const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

const COLUMNS = {
  code: ['code', 'code rc'],
  lastName: ['nom'],
  firstName: ['prenom', 'prenoms'],
  sex: ['sexe'],
  phone: ['telephone', 'tel', 'téléphone'],
  aire: ['aire sanitaire', 'aire', 'as'],
  start: ['date de debut', 'debut', 'date debut'],
  end: ['date de fin', 'fin', 'date fin'],
} as const

type Column = keyof typeof COLUMNS

function cell(row: RosterRow, column: Column): string {
  for (const [header, value] of Object.entries(row.cells))
    if ((COLUMNS[column] as readonly string[]).includes(fold(header))) return value.trim()
  return ''
}

/** The columns a file lacks (checked once, on its headers). */
export function missingColumns(headers: readonly string[]): Column[] {
  const folded = headers.map(fold)
  return (Object.keys(COLUMNS) as Column[]).filter(
    (c) => c !== 'end' && !folded.some((h) => (COLUMNS[c] as readonly string[]).includes(h)),
  )
}

/** `2026-03-01` or `01/03/2026` → `2026-03-01`; anything else → undefined. */
export function parseDay(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text)
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : fr ? [fr[3], fr[2]!.padStart(2, '0'), fr[1]!.padStart(2, '0')] : []
  if (!y || !m || !d) return undefined
  const day = `${y}-${m}-${d}`
  const date = new Date(`${day}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day ? day : undefined
}

/** Benin numbers: 01 + 8 digits since November 2024 (8 digits before), with or without +229. */
export function parsePhone(text: string): string | undefined {
  const digits = text.replace(/[\s.()-]/g, '').replace(/^00229/, '+229')
  const local = digits.startsWith('+229') ? digits.slice(4) : digits
  if (/^01\d{8}$/.test(local) || /^\d{8}$/.test(local)) return `+229${local}`
  return undefined
}

const CODE = /^RC-[A-Z]{2}-\d{5}$/

export function checkRoster(
  rows: readonly RosterRow[],
  aires: readonly Aire[],
): { rcs: RosterRc[]; problems: RosterProblem[] } {
  const byCode = new Map(aires.filter((a) => a.code).map((a) => [a.code!.toUpperCase(), a]))
  const byName = new Map<string, Aire[]>()
  for (const a of aires)
    byName.set(fold(a.name.replace(/^AS\s+/i, '')), [...(byName.get(fold(a.name.replace(/^AS\s+/i, ''))) ?? []), a])
  const rcs: RosterRc[] = []
  const problems: RosterProblem[] = []
  const seen = new Map<string, number>()
  for (const row of rows) {
    const problem = (fr: string, en: string) => problems.push({ line: row.line, fr, en })
    const before = problems.length
    const code = cell(row, 'code').toUpperCase()
    if (!CODE.test(code))
      problem(`code « ${code} » invalide (attendu RC-XX-00000)`, `invalid code "${code}" (expected RC-XX-00000)`)
    else if (seen.has(code))
      problem(
        `code ${code} en double (déjà à la ligne ${seen.get(code)})`,
        `duplicate code ${code} (already on line ${seen.get(code)})`,
      )
    else seen.set(code, row.line)
    const lastName = cell(row, 'lastName')
    const firstName = cell(row, 'firstName')
    if (!lastName || !firstName) problem('nom ou prénom manquant', 'last or first name missing')
    const sexText = fold(cell(row, 'sex'))
    const sex = ['m', 'masculin', 'h', 'homme'].includes(sexText)
      ? 'M'
      : ['f', 'feminin', 'femme'].includes(sexText)
        ? 'F'
        : undefined
    if (!sex) problem(`sexe « ${cell(row, 'sex')} » invalide (M ou F)`, `invalid sex "${cell(row, 'sex')}" (M or F)`)
    const phone = parsePhone(cell(row, 'phone'))
    if (!phone)
      problem(
        `téléphone « ${cell(row, 'phone')} » invalide (01 et 8 chiffres, avec ou sans +229)`,
        `invalid phone "${cell(row, 'phone')}" (01 and 8 digits, with or without +229)`,
      )
    const aireText = cell(row, 'aire')
    const named = byName.get(fold(aireText.replace(/^AS\s+/i, ''))) ?? []
    const aire = byCode.get(aireText.toUpperCase()) ?? (named.length === 1 ? named[0] : undefined)
    if (!aire)
      problem(
        named.length > 1
          ? `aire sanitaire « ${aireText} » ambiguë (${named.length} aires de ce nom) : donnez son code`
          : `aire sanitaire « ${aireText} » inconnue dans DHIS2`,
        named.length > 1 ? `ambiguous health area "${aireText}": give its code` : `unknown health area "${aireText}"`,
      )
    const start = parseDay(cell(row, 'start'))
    if (!start)
      problem(
        `date de début « ${cell(row, 'start')} » invalide (AAAA-MM-JJ ou JJ/MM/AAAA)`,
        `invalid start date "${cell(row, 'start')}"`,
      )
    const endText = cell(row, 'end')
    const end = endText ? parseDay(endText) : undefined
    if (endText && !end) problem(`date de fin « ${endText} » invalide`, `invalid end date "${endText}"`)
    if (start && end && end < start)
      problem(`date de fin ${end} avant la date de début ${start}`, `end ${end} before start ${start}`)
    if (problems.length === before)
      rcs.push({
        line: row.line,
        code,
        lastName,
        firstName,
        sex: sex!,
        phone: phone!,
        aire: aire!,
        start: start!,
        ...(end ? { end } : {}),
      })
  }
  return { rcs, problems }
}

/** A stable UID for an RC created by the roster (the same on every run for the same code). */
export function rcUid(code: string): string {
  const digest = createHash('sha256')
    .update(`relais-rc:${code}`)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
  return `R${digest.slice(0, 10)}`
}

/** The username of an RC's DHIS2 account: its code in lower case (4–255 of DHIS2's allowed characters). */
export const rcUsername = (code: string) => code.toLowerCase()

/** Active on `today` (YYYY-MM-DD): started, and not ended. */
export const isActive = (rc: Pick<RosterRc, 'start' | 'end'>, today: string) =>
  rc.start <= today && (!rc.end || rc.end > today)

/** The org unit DHIS2 must hold for an RC (its existing id kept when DHIS2 already has the code). */
export function rcOrgUnit(rc: RosterRc, existingId?: string): Record<string, unknown> & { id: string; code: string } {
  const name = `RC ${rc.firstName} ${rc.lastName}`
  return {
    id: existingId ?? rcUid(rc.code),
    code: rc.code,
    name,
    shortName: name.slice(0, 50),
    parent: { id: rc.aire.id },
    openingDate: `${rc.start}T00:00:00.000`,
    // null, not absent: an RC who came back has their closing date removed (DHIS2 overwrites nulls too).
    closedDate: rc.end ? `${rc.end}T00:00:00.000` : null,
    phoneNumber: rc.phone,
  }
}

/** A row of the hierarchy file: the départements, zones sanitaires and aires sanitaires above the RC. */
export interface HierarchyUnit {
  line: number
  level: 2 | 3 | 4
  code: string
  name: string
  parentCode?: string
  opening: string
}

const LEVELS: Record<string, 2 | 3 | 4> = {
  departement: 2,
  'zone sanitaire': 3,
  zone: 3,
  'aire sanitaire': 4,
  aire: 4,
}

const HIERARCHY_COLUMNS = {
  level: ['niveau', 'level'],
  code: ['code'],
  name: ['nom', 'name'],
  parent: ['parent', 'code parent'],
  opening: ['date d ouverture', 'ouverture', 'opening date'],
} as const

function hcell(row: RosterRow, column: keyof typeof HIERARCHY_COLUMNS): string {
  for (const [header, value] of Object.entries(row.cells))
    if ((HIERARCHY_COLUMNS[column] as readonly string[]).includes(fold(header))) return value.trim()
  return ''
}

/**
 * Checks a hierarchy file: each unit's level (département, zone sanitaire, aire sanitaire), a unique code, a
 * name, and a parent one level up — in the file or already in DHIS2 (`known`: code → level). Départements
 * hang under the country (no parent column needed).
 */
export function checkHierarchy(
  rows: readonly RosterRow[],
  known: ReadonlyMap<string, number>,
): { units: HierarchyUnit[]; problems: RosterProblem[] } {
  const units: HierarchyUnit[] = []
  const problems: RosterProblem[] = []
  const levelOf = new Map(known)
  for (const row of rows) {
    const level = LEVELS[fold(hcell(row, 'level'))]
    const code = hcell(row, 'code').toUpperCase()
    if (level && code) levelOf.set(code, level)
  }
  const seen = new Map<string, number>()
  for (const row of rows) {
    const problem = (fr: string, en: string) => problems.push({ line: row.line, fr, en })
    const before = problems.length
    const level = LEVELS[fold(hcell(row, 'level'))]
    if (!level)
      problem(
        `niveau « ${hcell(row, 'level')} » inconnu (département, zone sanitaire ou aire sanitaire)`,
        `unknown level "${hcell(row, 'level')}"`,
      )
    const code = hcell(row, 'code').toUpperCase()
    if (!/^[A-Z0-9][A-Z0-9-]{1,49}$/.test(code)) problem(`code « ${code} » invalide`, `invalid code "${code}"`)
    else if (seen.has(code))
      problem(
        `code ${code} en double (déjà à la ligne ${seen.get(code)})`,
        `duplicate code ${code} (line ${seen.get(code)})`,
      )
    else seen.set(code, row.line)
    const name = hcell(row, 'name')
    if (!name) problem('nom manquant', 'name missing')
    const parentCode = hcell(row, 'parent').toUpperCase() || undefined
    if (level && level > 2) {
      if (!parentCode) problem('parent manquant', 'parent missing')
      else if (levelOf.get(parentCode) !== level - 1)
        problem(
          levelOf.has(parentCode)
            ? `le parent ${parentCode} n'est pas du niveau au-dessus`
            : `parent ${parentCode} inconnu (ni dans le fichier ni dans DHIS2)`,
          levelOf.has(parentCode) ? `parent ${parentCode} is not one level up` : `unknown parent ${parentCode}`,
        )
    }
    const openingText = hcell(row, 'opening')
    const opening = openingText ? parseDay(openingText) : '2000-01-01'
    if (!opening) problem(`date d'ouverture « ${openingText} » invalide`, `invalid opening date "${openingText}"`)
    if (problems.length === before)
      units.push({
        line: row.line,
        level: level!,
        code,
        name,
        ...(level! > 2 ? { parentCode } : {}),
        opening: opening!,
      })
  }
  // Parents before children, so that each import can resolve them.
  units.sort((a, b) => a.level - b.level || a.line - b.line)
  return { units, problems }
}

/** The column names a hierarchy file lacks. */
export function missingHierarchyColumns(headers: readonly string[]): string[] {
  const folded = headers.map(fold)
  return (['level', 'code', 'name'] as const).filter(
    (c) => !folded.some((h) => (HIERARCHY_COLUMNS[c] as readonly string[]).includes(h)),
  )
}
