// Dates and durations of runs and events as people read them. Pure (the language is a parameter).
import type { Language } from '../../shared/language'

/** "3 Oct 2026, 10:05" / "3 oct. 2026, 10:05" in the browser's time zone (or the one given, for tests). */
export function formatDateTime(iso: string | null | undefined, language: Language, timeZone?: string): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(date)
}

/** "2 min 5 s", "45 s", "1 h 3 min" between two instants (the end defaults to now). */
export function formatDuration(fromIso: string, toIso: string | null, now = Date.now()): string {
  const end = toIso ? new Date(toIso).getTime() : now
  const seconds = Math.max(0, Math.round((end - new Date(fromIso).getTime()) / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** A file size: "850 B", "12.4 KB", "3.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
