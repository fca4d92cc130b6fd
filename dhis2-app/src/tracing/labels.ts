import i18n from '@dhis2/d2-i18n'
import type { OutcomeCode } from './tracingProgram'
import type { OutcomeDateProblem } from './tasks'

/** The outcome as the RC reads it (the option set's French names, issue 19 §3). */
export function outcomeLabel(code: OutcomeCode): string {
  switch (code) {
    case 'RETROUVE_REVENU':
      return i18n.t('Found and returned to care')
    case 'RETROUVE_REFUS':
      return i18n.t('Found, refuses to return')
    case 'DEMENAGE':
      return i18n.t('Has moved away')
    case 'DECEDE':
      return i18n.t('Deceased')
    case 'NON_RETROUVE':
      return i18n.t('Not found')
  }
}

export function sexLabel(code: string | undefined): string {
  if (code === 'M') return i18n.t('Male')
  if (code === 'F') return i18n.t('Female')
  return code ?? '—'
}

export function ageBandLabel(code: string | undefined): string {
  switch (code) {
    case 'A_MOINS15':
      return i18n.t('under 15')
    case 'A_15_24':
      return i18n.t('15 to 24')
    case 'A_25PLUS':
      return i18n.t('25 and over')
    default:
      return code ?? '—'
  }
}

export function daysAgoLabel(days: number | undefined): string {
  if (days === undefined) return ''
  if (days <= 0) return i18n.t('today')
  if (days === 1) return i18n.t('yesterday')
  return i18n.t('{{days}} days ago', { days })
}

export function dateProblemLabel(problem: OutcomeDateProblem): string {
  switch (problem) {
    case 'missing':
    case 'invalid':
      return i18n.t('Enter the date of the outcome')
    case 'future':
      return i18n.t('The date cannot be in the future')
    case 'before-missed':
      return i18n.t('The date cannot be before the missed appointment')
  }
}
