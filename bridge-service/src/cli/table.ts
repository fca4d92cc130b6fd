/**
 * Plain-text output: aligned tables (numbers to the right), durations and times people can read.
 * Pure functions, so the verbs' layouts are tested without a terminal.
 */

export interface Column<T> {
  readonly header: string
  readonly value: (row: T) => string | number | null | undefined
  /** Default: right for numbers, left for the rest. */
  readonly align?: 'left' | 'right'
  /** Longer cells are cut with "…". */
  readonly maxWidth?: number
}

const width = (text: string): number => [...text].length

function cut(text: string, max: number | undefined): string {
  if (max === undefined || width(text) <= max) return text
  return `${[...text].slice(0, Math.max(1, max - 1)).join('')}…`
}

/** An aligned table: a header row, a rule, the rows; two spaces between columns; no trailing spaces. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const v = c.value(row)
      return cut(v === null || v === undefined ? '' : String(v).replace(/\s+/g, ' '), c.maxWidth)
    }),
  )
  const right = columns.map(
    (c) => c.align === 'right' || (c.align === undefined && rows.length > 0 && typeof c.value(rows[0]!) === 'number'),
  )
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((r) => width(r[i]!))))
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n')
}

/** `label  value` lines with the labels padded to one width. */
export function keyValues(pairs: readonly (readonly [string, string | number])[]): string {
  const w = Math.max(0, ...pairs.map(([k]) => width(k)))
  return pairs.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')
}

/** 850 ms, 4.2 s, 3 min 05 s, 2 h 07 min. */
export function formatDuration(ms: number, fr = false): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`
  // French writes a decimal comma: « 4,2 s ».
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace('.', fr ? ',' : '.')} s`
  const s = Math.round(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
}

/** `2026-10-03 09:00:12 UTC` (the CLI speaks UTC, as the ledger stores it). */
export function formatTime(at: Date | null | undefined): string {
  if (!at) return ''
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** "1 record", "3 records"; in French (`fr`) « 0 enregistrement », « 1 500 enregistrements ». */
export function plural(n: number, one: string, many = `${one}s`, fr = false): string {
  if (fr) return `${n.toLocaleString('fr-FR')} ${n <= 1 ? one : many}`
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

/** A URL without its user and password, for display. */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw)
    if (url.username || url.password) {
      url.username = ''
      url.password = ''
      return url.toString().replace('//', '//***@')
    }
    return raw
  } catch {
    return '(not a URL)'
  }
}

/** JSON for `--json`: two-space indented, dates as ISO strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
}
