/**
 * How DHIS2 prints analytics numbers (analytics §2.4–2.5): commons-math `Precision.round` (HALF_UP on
 * the decimal text of the double), Java's `Double.toString` (always a decimal point, `E` notation
 * below 10⁻³), `OutputFormatter` (plain notation from 10 000 000 up), and the data-element / reporting
 * rate rule "whole numbers become a long" (`AnalyticsUtils.getRoundedValueObject`).
 */

/** The plain decimal text of a finite number ("1e-7" → "0.0000001", "1.5e+21" → "1500000000000000000000"). */
function plainDecimal(value: number): string {
  const text = String(Math.abs(value))
  const sign = value < 0 ? '-' : ''
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text)
  if (!m) return sign + text
  const digits = (m[1] ?? '') + (m[2] ?? '')
  const point = (m[1] ?? '').length + Number(m[3])
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length)
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** `Precision.round(value, scale)`: HALF_UP on the shortest decimal representation (1.005 → 1.01). */
export function roundHalfUp(value: number, scale: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value
  let text = String(value)
  if (text.includes('e')) text = plainDecimal(value)
  const point = text.indexOf('.')
  if (point < 0 || text.length - point - 1 <= scale) return value
  const cut = point + 1 + scale
  const kept = scale > 0 ? text.slice(0, cut) : text.slice(0, point)
  if (text.charCodeAt(cut) - 48 < 5) return Number(kept)
  // Add one unit in the last kept place, carrying through the digits (on the text: no binary error).
  const negative = kept.startsWith('-')
  const chars = (negative ? kept.slice(1) : kept).split('')
  let i = chars.length - 1
  for (; i >= 0; i--) {
    const c = chars[i]
    if (c === '.') continue
    if (c === '9') chars[i] = '0'
    else {
      chars[i] = String.fromCharCode((c ?? '0').charCodeAt(0) + 1)
      break
    }
  }
  const digits = (i < 0 ? '1' : '') + chars.join('')
  return Number(negative ? `-${digits}` : digits)
}

/** Java's `Math.round(double)`: floor(x + 0.5), printed as a long. */
export function javaRound(value: number): number {
  return Math.floor(value + 0.5)
}

/**
 * A Java `Double` as Jackson/`OutputFormatter` prints it: "90.0", "72.12", "1.0E-4", and plain text
 * from 10 000 000 up ("12345678.0", not "1.2345678E7").
 */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  if (Object.is(value, -0)) return '-0.0'
  const abs = Math.abs(value)
  if (abs >= 1e7) {
    const plain = plainDecimal(value)
    return plain.includes('.') ? plain : `${plain}.0`
  }
  if (abs !== 0 && abs < 1e-3) {
    // Java: computerised scientific notation, at least one digit after the point.
    const [mantissa = '0', exponent = '0'] = value.toExponential().split('e')
    const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`
    return `${m}E${Number(exponent)}`
  }
  const text = String(value)
  return text.includes('.') ? text : `${text}.0`
}

/** Data elements, operands and reporting-rate counts: 2 decimals, whole numbers as longs ("54062", "72.12"). */
export function formatDataValue(value: number, skipRounding: boolean): string {
  if (skipRounding) return javaDouble(roundHalfUp(value, 10))
  const rounded = roundHalfUp(value, 2)
  if ((rounded * 10) % 10 === 0) return String(Math.trunc(rounded))
  return javaDouble(rounded)
}

/** Reporting rates: like data values, but skipRounding prints the raw double (`DataHandler.addReportRateToGrid`). */
export function formatReportingRate(value: number, skipRounding: boolean): string {
  return skipRounding ? javaDouble(value) : formatDataValue(value, false)
}

/** `AnalyticsUtils.getRoundedValue(params, decimals, value)` as printed: indicators keep their ".0". */
export function formatIndicatorNumber(value: number, decimals: number | undefined, skipRounding: boolean): string {
  if (skipRounding) return javaDouble(roundHalfUp(value, 10))
  if (decimals !== undefined && decimals > 0) return javaDouble(roundHalfUp(value, decimals))
  if (decimals === 0) return String(javaRound(value))
  return javaDouble(roundHalfUp(value, 2))
}
