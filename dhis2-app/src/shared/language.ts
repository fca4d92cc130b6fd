import i18n from '@dhis2/d2-i18n'

export type Language = 'fr' | 'en'

/** The UI language as far as shared texts go: French for French users, English for everyone else. */
export function uiLanguage(): Language {
  return (i18n.language ?? '').toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

/** "16 October 2026" / "16 octobre 2026" for a calendar date 'YYYY-MM-DD' (no time zone can move it). */
export function formatDay(date: string, language: Language = uiLanguage()): string {
  const [year, month, day] = date.split('-').map(Number)
  const utc = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1))
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(utc)
}
