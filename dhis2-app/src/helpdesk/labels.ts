// The help desk's words in the person's language: categories, statuses, waits. The codes stay French in DHIS2
// (the subject's « [connexion] »), whatever the language shown.
import i18n from '@dhis2/d2-i18n'
import type { Language } from '../shared/language'
import type { TicketCategory } from './ticketSubject'
import type { DeskStatus } from './tickets'

export function categoryLabel(category: TicketCategory): string {
  switch (category) {
    case 'saisie':
      return i18n.t('Report entry')
    case 'connexion':
      return i18n.t('Connection')
    case 'telephone':
      return i18n.t('Phone')
    case 'formation':
      return i18n.t('Training')
    case 'stock':
      return i18n.t('Stock')
    case 'autre':
      return i18n.t('Other')
  }
}

export function statusLabel(status: DeskStatus): string {
  switch (status) {
    case 'new':
      return i18n.t('New request')
    case 'in-progress':
      return i18n.t('In progress')
    case 'resolved':
      return i18n.t('Resolved')
  }
}

export function priorityLabel(priority: string): string {
  switch (priority) {
    case 'LOW':
      return i18n.t('Low')
    case 'MEDIUM':
      return i18n.t('Medium')
    case 'HIGH':
      return i18n.t('High')
    default:
      return i18n.t('Not set')
  }
}

/** A wait in the unit that reads best: minutes under an hour, hours under two days, then days. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—'
  const minutes = Math.round(ms / 60_000)
  if (minutes < 60) return i18n.t('{{number}} min', { number: minutes })
  const hours = Math.round(ms / 3_600_000)
  if (hours < 48) return i18n.t('{{number}} h', { number: hours })
  return i18n.t('{{number}} days', { number: Math.round(ms / 86_400_000) })
}

/** « 3 octobre 2026, 09:15 » from DHIS2's server-local timestamp (shown as DHIS2 wrote it, no zone moved). */
export function formatMoment(timestamp: string, language: Language): string {
  const time = Date.parse(`${timestamp.slice(0, 23)}Z`)
  if (Number.isNaN(time)) return timestamp
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }).format(time)
}
