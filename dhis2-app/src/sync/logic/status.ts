// Statuses of records, runs and sources → words and colours. The colours are @dhis2/ui Tag variants.
import i18n from '@dhis2/d2-i18n'
import type { QuarantineReason, RecordStatus, RunMode, RunStatus, SourceHealth } from '../api/types'

export type Tone = 'positive' | 'negative' | 'warning' | 'neutral' | 'running'

export const RECORD_TONE: Readonly<Record<RecordStatus, Tone>> = {
  received: 'running',
  mapped: 'running',
  imported: 'positive',
  unchanged: 'positive',
  quarantined: 'warning',
  discarded: 'neutral',
  failed: 'negative',
}

export const RUN_TONE: Readonly<Record<RunStatus, Tone>> = {
  running: 'running',
  completed: 'positive',
  failed: 'negative',
  cancelled: 'neutral',
}

export const HEALTH_TONE: Readonly<Record<SourceHealth, Tone>> = {
  ok: 'positive',
  attention: 'warning',
  failing: 'negative',
  running: 'running',
  'never-run': 'neutral',
  disabled: 'neutral',
}

/** A run is over when it is no longer running: no more counts will move by themselves. */
export const isRunTerminal = (status: RunStatus): boolean => status !== 'running'

/** The pipeline still owes these records work: their page is worth refreshing. */
export const isRecordInFlight = (status: RecordStatus): boolean => status === 'received' || status === 'mapped'

export function recordStatusLabel(status: RecordStatus): string {
  switch (status) {
    case 'received':
      return i18n.t('Received')
    case 'mapped':
      return i18n.t('Ready to send')
    case 'imported':
      return i18n.t('Imported')
    case 'unchanged':
      return i18n.t('Unchanged')
    case 'quarantined':
      return i18n.t('In quarantine')
    case 'discarded':
      return i18n.t('Discarded')
    case 'failed':
      return i18n.t('Failed')
  }
}

export function runStatusLabel(status: RunStatus): string {
  switch (status) {
    case 'running':
      return i18n.t('Running')
    case 'completed':
      return i18n.t('Completed')
    case 'failed':
      return i18n.t('Run failed')
    case 'cancelled':
      return i18n.t('Cancelled')
  }
}

export function runModeLabel(mode: RunMode): string {
  return mode === 'dry-run' ? i18n.t('Dry run') : i18n.t('Import')
}

export function healthLabel(health: SourceHealth): string {
  switch (health) {
    case 'ok':
      return i18n.t('Healthy')
    case 'attention':
      return i18n.t('Needs attention')
    case 'failing':
      return i18n.t('Failing')
    case 'running':
      return i18n.t('Running')
    case 'never-run':
      return i18n.t('Never run')
    case 'disabled':
      return i18n.t('Disabled')
  }
}

export function quarantineReasonLabel(reason: string | null): string {
  switch (reason as QuarantineReason | null) {
    case 'invalid':
      return i18n.t('Invalid values')
    case 'conflict':
      return i18n.t('Refused by DHIS2')
    case 'duplicate':
      return i18n.t('Already sent by another source')
    case 'late':
      return i18n.t('Period closed')
    case 'overwrite':
      return i18n.t('Would overwrite values entered by a person')
    default:
      // A note in a record's history (status unchanged), not a quarantine reason.
      if (reason === 'deleted-at-source') return i18n.t('Deleted at the source (DHIS2 keeps its values)')
      if (reason === 'uncompleted-in-dhis2') return i18n.t('Report un-completed in DHIS2 by a data manager')
      if (reason === 'completion-registered') return i18n.t('Report registered complete in DHIS2')
      if (reason === 'completion-already-in-dhis2') return i18n.t('Report already complete (or un-completed) in DHIS2')
      if (reason === 'completion-refused') return i18n.t('DHIS2 refused the completion of the report')
      if (reason?.startsWith('overwrite-by-precedence'))
        return i18n.t('Replaced values entered by a person (this source is the system of record)')
      return reason ?? ''
  }
}
