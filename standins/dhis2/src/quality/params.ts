/**
 * How DHIS2 2.41 binds query parameters onto a request object and how it refuses them
 * (`WEBAPI/controller/CrudControllerAdvice`): a value that does not convert is a BindException → 400
 * "Value 'x' is not valid for parameter p. …"; dates go through `DateUtils.parseDate` (joda, several
 * formats), enums through `ConvertEnum` (case-insensitive), numbers through Spring's NumberUtils.
 * An empty parameter binds to null. Unknown parameters are ignored.
 * The data-quality services' own refusals are `IllegalQueryException`s: 409 with the ErrorCode.
 */
import { HttpError } from '../http/web-message'

/** `ErrorCode` templates (core@2.41 `API/feedback/ErrorCode.java`) the data-quality endpoints use. */
const MESSAGES: Record<string, string> = {
  E1100: 'Data element not found or not accessible: `{0}`',
  E1102: 'Organisation unit not found or not accessible: `{0}`',
  E1103: 'Category option combo not found or not accessible: `{0}`',
  E2020: 'Organisation unit is not in the hierarchy of the current user: `{0}`',
  E2032: 'Data value not found or not accessible',
  E2033: 'Follow-up must be specified',
  E2200: 'At least one data element must be specified',
  E2201: 'Start date and end date or relative period must be specified',
  E2202: 'Start date must be before end date',
  E2203: 'At least one organisation unit must be specified',
  E2204: 'Threshold must be a positive number',
  E2205: 'Max results must be a positive number',
  E2206: 'Max results exceeds the allowed max limit: `{0}`',
  E2207: 'Data start date must be before data end date',
  E2208: 'Non-numeric data values encountered during outlier value detection',
  E2300: 'At least one data element or data set must be specified',
  E2301: 'Start date and end date must be specified directly or indirectly by specifying a period',
}

/** Java `MessageFormat` of a number: grouping separators (`10,000`). A missing argument stays `{0}`. */
function formatArg(arg: string | number): string {
  return typeof arg === 'number' ? arg.toLocaleString('en-US', { maximumFractionDigits: 3 }) : arg
}

/** An `IllegalQueryException`: 409 Conflict with the error code (CrudControllerAdvice). */
export function illegalQuery(code: string, ...args: (string | number)[]): HttpError {
  const template = MESSAGES[code] ?? code
  const message = template.replace(/\{(\d)\}/g, (m, i: string) => {
    const arg = args[Number(i)]
    return arg === undefined ? m : formatArg(arg)
  })
  return new HttpError(409, message, code)
}

const notValid = (value: string, name: string) =>
  value === '' ? `${name} cannot be empty.` : `Value '${value}' is not valid for parameter ${name}.`

/**
 * Every raw value of a parameter. Express's `qs` parser turns `?a=1&a=2` into an array, and more than 20
 * repeats (or `a[x]=…`) into an object: both are flattened to their string values.
 */
function rawValues(query: Record<string, unknown>, name: string): string[] {
  const flatten = (v: unknown): string[] =>
    v === undefined || v === null
      ? []
      : Array.isArray(v)
        ? v.flatMap(flatten)
        : typeof v === 'object'
          ? Object.values(v as Record<string, unknown>).flatMap(flatten)
          : [String(v as string)]
  return flatten(query[name])
}

/** The one value of a parameter (the first when repeated, as Spring binds a scalar). */
export function scalar(query: Record<string, unknown>, name: string): string | undefined {
  const raw = rawValues(query, name)
  const first = raw[0]
  return first === undefined || first === '' ? undefined : first
}

/** A `Set<String>` parameter: repeated and/or comma-separated (Spring's StringToCollectionConverter). */
export function list(query: Record<string, unknown>, name: string): string[] {
  const values = rawValues(query, name)
  return [
    ...new Set(
      values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ]
}

export function enumParam<T extends string>(
  query: Record<string, unknown>,
  name: string,
  values: readonly T[],
): T | undefined {
  const raw = scalar(query, name)
  if (raw === undefined) return undefined
  const found = values.find((v) => v.toLowerCase() === raw.toLowerCase())
  if (!found) throw new HttpError(400, `${notValid(raw, name)} Valid values are: [${values.join(', ')}]`)
  return found
}

/** Spring's NumberUtils: `Integer.decode` / `Double.valueOf`; a failure names the input as Java does. */
export function numberParam(query: Record<string, unknown>, name: string, integer: boolean): number | undefined {
  const raw = scalar(query, name)
  if (raw === undefined) return undefined
  const text = raw.trim()
  const ok = integer ? /^[+-]?\d{1,10}$/.test(text) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(text)
  const value = ok ? Number(text.replace(/[dDfF]$/, '')) : NaN
  if (!Number.isFinite(value) || (integer && (value > 2147483647 || value < -2147483648)))
    throw new HttpError(400, `${notValid(raw, name)} For input string: "${raw}"`)
  return value
}

/**
 * `DateUtils.parseDate`: `yyyy`, `yyyy-MM`, `yyyy-MM-dd`, with an optional `THH:mm[:ss[.SSS]]` and zone.
 * Returns the server-local timestamp `yyyy-MM-ddTHH:mm:ss.SSS` (the zone is dropped: the stand-in's
 * dates are all local). A string joda cannot parse → 400 `Invalid format: "…"`.
 */
export function dateParam(query: Record<string, unknown>, name: string): string | undefined {
  const raw = scalar(query, name)
  if (raw === undefined) return undefined
  const parsed = parseDate(raw)
  if (parsed === undefined) throw new HttpError(400, `${notValid(raw, name)} Invalid format: "${raw}"`)
  return parsed
}

export function parseDate(raw: string): string | undefined {
  const m =
    /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/.exec(
      raw.trim(),
    )
  if (!m) return undefined
  const [, y = '', mo = '1', d = '1', h = '0', mi = '0', s = '0', ms = '0'] = m
  const month = Number(mo)
  const day = Number(d)
  const days = new Date(Date.UTC(Number(y), month, 0)).getUTCDate()
  if (month < 1 || month > 12 || day < 1 || day > days || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
    return undefined
  const two = (v: string | number) => String(v).padStart(2, '0')
  return `${y}-${two(month)}-${two(day)}T${two(h)}:${two(mi)}:${two(s)}.${ms.padEnd(3, '0')}`
}
