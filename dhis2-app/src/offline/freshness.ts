import i18n from '@dhis2/d2-i18n'
import { formatDay } from '../shared/language'
import type { PendingValue } from './types'

/** A value as DHIS2 holds it, with who stored it and when (DHIS2's clock, server-local). */
export interface StoredValue {
  value: string
  storedBy?: string
  lastUpdated?: string
}

/**
 * Whether DHIS2's value is newer than one queued on this device: someone stored a different value after the
 * person typed theirs (both times on DHIS2's clock; a value without a time counts as older). Such a queued
 * value must not be sent — it would silently overwrite a later correction.
 */
export function dhis2IsNewer(item: Pick<PendingValue, 'value' | 'actedAt'>, stored: StoredValue | undefined): boolean {
  return (
    stored !== undefined &&
    stored.value !== item.value &&
    stored.lastUpdated !== undefined &&
    item.actedAt !== undefined &&
    stored.lastUpdated.slice(0, 19) > item.actedAt.slice(0, 19)
  )
}

/** What the cell says about a queued value DHIS2 had a newer one for. */
export function supersededReason(stored: StoredValue): string {
  return i18n.t('{{user}} stored a newer value in DHIS2 on {{date}} ({{value}}); yours was not sent', {
    user: stored.storedBy ?? i18n.t('someone'),
    date: formatDay((stored.lastUpdated ?? '').slice(0, 10)),
    value: stored.value,
    interpolation: { escapeValue: false },
  })
}
