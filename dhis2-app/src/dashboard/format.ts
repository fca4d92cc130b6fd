// Numbers, percentages and server timestamps as the user reads them, in their language.
import type { Language } from '../shared/language'

const locale = (language: Language) => (language === 'fr' ? 'fr-FR' : 'en-GB')

/** "85.5%" / "85,5 %"; "—" when unknown. */
export function formatPercent(value: number | undefined, language: Language): string {
  if (value === undefined || !Number.isFinite(value)) return '—'
  return new Intl.NumberFormat(locale(language), { style: 'percent', maximumFractionDigits: 1 }).format(value / 100)
}

export function formatNumber(value: number | undefined, language: Language): string {
  if (value === undefined || !Number.isFinite(value)) return '—'
  return new Intl.NumberFormat(locale(language), { maximumFractionDigits: 1 }).format(value)
}

/** A percentage for a CSV file: one decimal, a dot, no sign (spreadsheets read it in every locale setting). */
export const csvPercent = (value: number | undefined): number | undefined =>
  value === undefined || !Number.isFinite(value) ? undefined : Math.round(value * 10) / 10

/** "14:05" from a server timestamp 'YYYY-MM-DDTHH:mm…' (the server's clock, not moved to the browser's zone). */
export const timeOf = (timestamp: string): string => timestamp.slice(11, 16)

/** Whole hours between two server timestamps. */
export function hoursBetween(from: string, to: string): number {
  const ms = Date.parse(`${to.slice(0, 23)}Z`) - Date.parse(`${from.slice(0, 23)}Z`)
  return Math.max(0, Math.floor(ms / 3_600_000))
}
