/**
 * Numbers as people type them in French-speaking spreadsheets — `1 200`, `1,5`, ` 12 ` — turned into
 * the plain form DHIS2 accepts (`1200`, `1.5`, `12`). Anything else is returned trimmed as it came, so
 * that the shared data-value rules reject it with DHIS2's own conflict (E7619) rather than ours.
 */

// Thousands groups separated by a space, no-break space, narrow no-break space or thin space.
const GROUPED = /^([+-]?)(\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+)(?:[.,](\d+))?$/
const PLAIN = /^([+-]?)(\d+)(?:[.,](\d+))?$/
const GROUP_SEPARATORS = /[ \u00a0\u202f\u2009]/g
/** `1,200` — a French decimal 1.2, or an English-style 1 200? Too risky to guess for whole numbers. */
const COMMA_THOUSANDS = /^[+-]?\d{1,3},\d{3}$/

export type NumberReading = { ok: true; text: string } | { ok: false; ambiguous: boolean; text: string }

/** `text` must already be trimmed and not blank. */
export function readNumber(text: string, integerTarget: boolean): NumberReading {
  if (integerTarget && COMMA_THOUSANDS.test(text)) return { ok: false, ambiguous: true, text }
  const match = PLAIN.exec(text) ?? GROUPED.exec(text)
  if (!match) return { ok: false, ambiguous: false, text }
  const sign = match[1] === '-' ? '-' : ''
  const whole = (match[2] ?? '0').replace(GROUP_SEPARATORS, '').replace(/^0+(?=\d)/, '')
  const fraction = (match[3] ?? '').replace(/0+$/, '')
  const body = fraction === '' ? whole : `${whole}.${fraction}`
  return { ok: true, text: body === '0' ? '0' : sign + body }
}

/** A JS number in DHIS2's plain notation (no exponent, no float noise from sums like 0.1 + 0.2). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return value.toFixed(0)
  const fixed = value.toFixed(10).replace(/\.?0+$/, '')
  return fixed === '-0' ? '0' : fixed
}
