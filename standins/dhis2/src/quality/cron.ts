/**
 * Spring's `CronExpression` (what DHIS2 2.41 schedules jobs with, `JobConfigurationObjectBundleHook` →
 * `CronExpression.isValidExpression`): six fields — second, minute, hour, day of month, month, day of
 * week — or a macro (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`).
 * A field is `*`, `?` (days only), a value, a range `a-b`, a step `x/n`, or a comma list of those; months
 * and days may be named (`JAN`, `MON`); days of week run 0–7 (0 and 7 are Sunday). Day-of-month `L`,
 * `L-n`, `nW`, `LW` and day-of-week `nL`, `n#m` are valid; the next run of such an expression is not
 * computed here (nextExecution answers undefined).
 *
 * Times are wall-clock in the server's zone, as `yyyy-MM-ddTHH:mm:ss.SSS` (the stand-in's timestamps).
 */
const MACROS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
}
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

interface FieldSpec {
  min: number
  max: number
  names?: string[]
  /** Index of the first name (months start at 1, days at 0). */
  nameBase?: number
}
const FIELDS: FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 0, max: 7, names: DAYS, nameBase: 0 },
]

export interface CronSchedule {
  /** Allowed values per field; undefined when the field uses L / W / # (valid, not computed). */
  sets: (Set<number> | undefined)[]
  domStar: boolean
  dowStar: boolean
}

function value(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase()
  const named = spec.names?.indexOf(upper) ?? -1
  const n = named >= 0 ? named + (spec.nameBase ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN
  if (!Number.isInteger(n) || n < spec.min || n > spec.max) throw new Error(`bad value ${text}`)
  return n
}

function parseField(text: string, index: number): Set<number> | undefined {
  const spec = FIELDS[index]!
  if (text === '?') {
    if (index !== 3 && index !== 5) throw new Error('? outside days')
    text = '*'
  }
  if (index === 3 && /^(L(-\d{1,2})?|LW|\d{1,2}W)$/.test(text)) return undefined
  if (index === 5 && /^([0-7]|[A-Za-z]{3})(L|#[1-5])$/.test(text)) {
    value(text.replace(/(L|#[1-5])$/, ''), spec)
    return undefined
  }
  const out = new Set<number>()
  for (const part of text.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part)
    if (!m) throw new Error(`bad part ${part}`)
    const [, range = '', stepText] = m
    const step = stepText === undefined ? 1 : Number(stepText)
    if (step < 1) throw new Error('bad step')
    let from: number
    let to: number
    if (range === '*') {
      from = spec.min
      to = index === 5 ? 6 : spec.max
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-')
      from = value(a, spec)
      to = value(b, spec)
      if (from > to) throw new Error('bad range')
    } else {
      from = value(range, spec)
      to = stepText === undefined ? from : spec.max
    }
    for (let v = from; v <= to; v += step) out.add(index === 5 && v === 7 ? 0 : v)
  }
  return out
}

/** The parsed expression, or undefined when Spring would refuse it. */
export function parseCron(expression: string): CronSchedule | undefined {
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim()
  const fields = text.split(/\s+/)
  if (fields.length !== 6 || text === '') return undefined
  try {
    const sets = fields.map((f, i) => parseField(f, i))
    return { sets, domStar: fields[3] === '*' || fields[3] === '?', dowStar: fields[5] === '*' || fields[5] === '?' }
  } catch {
    return undefined
  }
}

export const isValidCron = (expression: string): boolean => parseCron(expression) !== undefined

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/**
 * The first wall-clock second strictly after `after` (`yyyy-MM-ddTHH:mm:ss…`) the expression fires at,
 * looking at most four years ahead; undefined when none or when the expression uses L / W / #.
 */
export function nextExecution(expression: string, after: string): string | undefined {
  const cron = parseCron(expression)
  if (!cron || cron.sets.some((s) => s === undefined)) return undefined
  const [secs, mins, hours, doms, months, dows] = cron.sets as Set<number>[]
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b)
  const S = sorted(secs!)
  const Mi = sorted(mins!)
  const H = sorted(hours!)
  const y0 = Number(after.slice(0, 4))
  const mo0 = Number(after.slice(5, 7))
  const d0 = Number(after.slice(8, 10))
  const t0 = Number(after.slice(11, 13)) * 3600 + Number(after.slice(14, 16)) * 60 + Number(after.slice(17, 19))
  const startDay = Date.UTC(y0, mo0 - 1, d0)
  for (let day = 0; day < 366 * 4 + 1; day++) {
    const date = new Date(startDay + day * 86400000)
    const month = date.getUTCMonth() + 1
    const dom = date.getUTCDate()
    const dow = date.getUTCDay()
    if (!months!.has(month)) continue
    // Spring: both day fields must match (a `*` / `?` field matches every day).
    if (!doms!.has(dom) || !dows!.has(dow)) continue
    for (const h of H)
      for (const mi of Mi)
        for (const s of S) {
          if (day === 0 && h * 3600 + mi * 60 + s <= t0) continue
          return `${date.getUTCFullYear()}-${pad(month)}-${pad(dom)}T${pad(h)}:${pad(mi)}:${pad(s)}.000`
        }
  }
  return undefined
}
