/**
 * Periods as sources write them → the data set's period. A source cell names a span of days (a month
 * `2026-09`, `09/2026`, `9/2026`, `sept. 2026`, `septembre 2026`; a day `2026-09-15`, `15/09/2026`, an
 * ISO date-time, an Excel serial date `46280`; or any DHIS2 ISO period id `202609`, `2026Q3`); the
 * result is the period of the target type holding that span, and an error when the span does not fit in
 * one period (a month for a weekly data set) — never a guess.
 */
import { formatDate, fromDayNumber, isRealDate, toDayNumber } from '../dhis2/periods/calendar'
import { parsePeriod, periodForDate, type Period, type PeriodTypeName } from '../dhis2/periods'
import type { Bilingual } from '../spec/errors'
import { fold } from './text'

interface Span {
  startDate: string
  endDate: string
}

export type PeriodResolution =
  { ok: true; period: Period } | { ok: false; code: 'PERIOD_UNREADABLE' | 'PERIOD_TOO_COARSE'; message: Bilingual }

/** French (with their usual abbreviations) and English month names, folded (no accents, lower case). */
const MONTHS = new Map<string, number>()
const NAMES: [number, string[]][] = [
  [1, ['janvier', 'janv', 'jan', 'january']],
  [2, ['fevrier', 'fevr', 'fev', 'february', 'feb']],
  [3, ['mars', 'mar', 'march']],
  [4, ['avril', 'avr', 'april', 'apr']],
  [5, ['mai', 'may']],
  [6, ['juin', 'june', 'jun']],
  [7, ['juillet', 'juil', 'july', 'jul']],
  [8, ['aout', 'august', 'aug']],
  [9, ['septembre', 'sept', 'sep', 'september']],
  [10, ['octobre', 'oct', 'october']],
  [11, ['novembre', 'nov', 'november']],
  [12, ['decembre', 'dec', 'december']],
]
for (const [month, names] of NAMES) for (const name of names) MONTHS.set(name, month)

const YEAR_MONTH = /^(\d{4})[-/.](\d{1,2})$/
const MONTH_YEAR = /^(\d{1,2})[-/.](\d{4})$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const FRENCH_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/
const NAMED_MONTH = /^([a-z]+)\.?[-/]?(\d{4})$/
/** Five-digit serials only: 10000–99999 are 1927–2173, and a 4-digit number stays a year. */
const EXCEL_SERIAL = /^(\d{5})(?:\.\d+)?$/
/** Excel's day 0 (serials above 60 count from 1899-12-30, because of Excel's 1900 leap-year bug). */
const EXCEL_EPOCH = toDayNumber({ year: 1899, month: 12, day: 30 })

function monthSpan(year: number, month: number): Span | undefined {
  if (month < 1 || month > 12) return undefined
  const start = toDayNumber({ year, month, day: 1 })
  const next =
    month === 12 ? toDayNumber({ year: year + 1, month: 1, day: 1 }) : toDayNumber({ year, month: month + 1, day: 1 })
  return { startDate: formatDate(fromDayNumber(start)), endDate: formatDate(fromDayNumber(next - 1)) }
}

function daySpan(year: number, month: number, day: number): Span | undefined {
  if (!isRealDate(year, month, day)) return undefined
  const date = formatDate({ year, month, day })
  return { startDate: date, endDate: date }
}

/** The span of days a source period text names, or undefined when it is in no known form. */
export function readSourcePeriod(text: string): Span | undefined {
  const t = text.trim()
  let m = YEAR_MONTH.exec(t)
  if (m) return monthSpan(Number(m[1]), Number(m[2]))
  m = MONTH_YEAR.exec(t)
  if (m) return monthSpan(Number(m[2]), Number(m[1]))
  m = ISO_DATE.exec(t)
  if (m) return daySpan(Number(m[1]), Number(m[2]), Number(m[3]))
  m = FRENCH_DATE.exec(t)
  if (m) return daySpan(Number(m[3]), Number(m[2]), Number(m[1]))
  m = EXCEL_SERIAL.exec(t)
  if (m) {
    const date = formatDate(fromDayNumber(EXCEL_EPOCH + Number(m[1])))
    return { startDate: date, endDate: date }
  }
  const iso = parsePeriod(t)
  if (iso) return { startDate: iso.startDate, endDate: iso.endDate }
  m = NAMED_MONTH.exec(fold(t))
  if (m) {
    const month = MONTHS.get(m[1] ?? '')
    if (month !== undefined) return monthSpan(Number(m[2]), month)
  }
  return undefined
}

/** The period of `type` that holds the whole span the text names. */
export function resolveSourcePeriod(text: string, type: PeriodTypeName): PeriodResolution {
  const span = readSourcePeriod(text)
  if (!span) {
    return {
      ok: false,
      code: 'PERIOD_UNREADABLE',
      message: {
        fr: `Période illisible « ${text} » : écrivez-la comme 2026-09, 09/2026, septembre 2026 ou 2026-09-15.`,
        en: `Unreadable period "${text}": write it like 2026-09, 09/2026, septembre 2026 or 2026-09-15.`,
      },
    }
  }
  const period = periodForDate(type, span.startDate)
  if (period.endDate < span.endDate) {
    return {
      ok: false,
      code: 'PERIOD_TOO_COARSE',
      message: {
        fr: `La période « ${text} » (${span.startDate} → ${span.endDate}) couvre plusieurs périodes ${type} du jeu de données : indiquez une seule période.`,
        en: `The period "${text}" (${span.startDate} → ${span.endDate}) spans several ${type} periods of the data set: give a single one.`,
      },
    }
  }
  return { ok: true, period }
}

/** resolveSourcePeriod with a bounded memo: a file names few distinct periods, parsed once each. */
export function periodResolver(type: PeriodTypeName, capacity = 4096): (text: string) => PeriodResolution {
  const memo = new Map<string, PeriodResolution>()
  return (text) => {
    let hit = memo.get(text)
    if (hit === undefined) {
      hit = resolveSourcePeriod(text, type)
      if (memo.size >= capacity) memo.clear()
      memo.set(text, hit)
    }
    return hit
  }
}
