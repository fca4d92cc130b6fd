// The words for the dashboard's codes, in the user's language.
import i18n from '@dhis2/d2-i18n'
import type { IndicatorCode } from '../analytics/useDashboardMetadata'
import type { GapCause, GapEvent, GapReason, GapStatus } from '../gaps/gaps'
import type { PerformanceClass } from '../performance/performance'

/** Bon / Moyen / Faible are the programme's own words; English users get the English ones. */
export function classLabel(c: PerformanceClass): string {
  if (c === 'bon') return i18n.t('Good')
  if (c === 'moyen') return i18n.t('Average')
  return i18n.t('Poor')
}

export function indicatorLabel(code: IndicatorCode): string {
  switch (code) {
    case 'IND_TDR_POS':
      return i18n.t('RDT positivity rate')
    case 'IND_CTA_24H':
      return i18n.t('Positive cases treated with ACT within 24 h')
    case 'IND_PDV_RETR':
      return i18n.t('PLHIV lost to follow-up found')
    case 'IND_REAL_SENS':
      return i18n.t('Achievement of the sensitisation target')
    case 'IND_REAL_VAD':
      return i18n.t('Achievement of the home visit target')
    case 'IND_REAL_TDR':
      return i18n.t('Achievement of the RDT target')
  }
}

export function causeLabel(cause: GapCause): string {
  switch (cause) {
    case 'abandon':
      return i18n.t('Dropped out')
    case 'maladie':
      return i18n.t('Illness')
    case 'rupture':
      return i18n.t('Stock-out of supplies')
    case 'reseau':
      return i18n.t('Network problem')
    case 'formulaire':
      return i18n.t('Form not understood')
    case 'autre':
      return i18n.t('Other')
  }
}

export function statusLabel(status: GapStatus): string {
  if (status === 'open') return i18n.t('Open')
  if (status === 'overdue') return i18n.t('Overdue')
  return i18n.t('Closed')
}

export function reasonLabel(reason: GapReason): string {
  return reason === 'notReported' ? i18n.t('No report') : i18n.t('Poor performance')
}

export function eventLabel(event: GapEvent): string {
  switch (event) {
    case 'recorded':
      return i18n.t('Recorded')
    case 'updated':
      return i18n.t('Updated')
    case 'closed':
      return i18n.t('Closed')
    case 'reopened':
      return i18n.t('Reopened')
  }
}
