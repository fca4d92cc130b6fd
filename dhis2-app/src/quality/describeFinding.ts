// A finding in words (French or English): what it is about and why it is flagged, e.g. « 480 ; attendu entre 0
// et 52 ». No React.
import i18n from '@dhis2/d2-i18n'
import type { Language } from '../shared/language'
import { parsePeriod, periodName } from '../shared/mappings'
import type { Finding, FindingKind } from './findings'
import type { Review } from './reviews'

export function kindTitle(kind: FindingKind): string {
  switch (kind) {
    case 'outlier':
      return i18n.t('Outliers')
    case 'validation':
      return i18n.t('Validation rule violations')
    case 'followup':
      return i18n.t('Values marked for follow-up')
    default:
      return i18n.t('Missing disaggregations')
  }
}

export function kindExplanation(kind: FindingKind): string {
  switch (kind) {
    case 'outlier':
      return i18n.t(
        'Values far from the RC’s own history of the same cell (DHIS2’s outlier detection, z-score 3 or more).',
      )
    case 'validation':
      return i18n.t('Reports that break one of the programme’s validation rules (DHIS2’s validation rule analysis).')
    case 'followup':
      return i18n.t('Values someone marked for follow-up in DHIS2.')
    default:
      return i18n.t(
        'A cell broken down by sex or age empty while others of the same line are filled, although the RC declared at least 5 there in every other month. DHIS2 keeps no zero for these boxes, so check with the RC whether it was 0 or forgotten.',
      )
  }
}

export const monthName = (period: string, language: Language) => {
  const p = parsePeriod(period)
  return p ? periodName(p, language) : period
}

const number = (n: number, language: Language) =>
  new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(n)

/** DHIS2's operators as people write them. */
const OPERATORS: Record<string, string> = { '<=': '≤', '>=': '≥', '!=': '≠', '==': '=' }

/** The data element and option combo in words (a rule's name for a violation). */
export function findingSubject(finding: Finding): string {
  if (finding.kind === 'validation') return finding.rule?.name ?? ''
  const element = finding.dataElement?.name ?? ''
  const combo = finding.categoryOptionCombo?.name
  return combo && combo !== 'default' ? `${element} — ${combo}` : element
}

/** Why the finding is flagged. */
export function findingReason(finding: Finding, language: Language): string {
  switch (finding.kind) {
    case 'outlier': {
      const value = finding.value ?? ''
      if (!finding.bounds) return value
      // Counts: the expected range is shown in whole numbers, never below 0.
      return i18n.t('{{value}}; expected between {{lower}} and {{upper}}', {
        interpolation: { escapeValue: false },
        value: number(Number(value), language),
        lower: number(Math.max(0, Math.round(finding.bounds.lower)), language),
        upper: number(Math.round(finding.bounds.upper), language),
      })
    }
    case 'validation': {
      const rule = finding.rule
      if (!rule) return ''
      // The rule's name says what is compared (its sides' descriptions may be bare codes).
      return i18n.t('{{left}} against {{right}}; the rule requires {{operator}}', {
        interpolation: { escapeValue: false },
        left: number(rule.left, language),
        right: number(rule.right, language),
        operator: OPERATORS[rule.operator] ?? rule.operator,
      })
    }
    case 'followup':
      return i18n.t('{{value}}; marked for follow-up', {
        interpolation: { escapeValue: false },
        value: finding.value ?? '',
      })
    default:
      return i18n.t('{{cells}} empty (0 or not entered); {{total}} in the other cells', {
        interpolation: { escapeValue: false },
        cells: (finding.missing ?? []).map((c) => c.name).join(', '),
        total: finding.value ?? '0',
      })
  }
}

export function reviewText(review: Review): string {
  const by = review.by.name || review.by.username
  const at = review.at.slice(0, 10)
  return review.status === 'checked'
    ? i18n.t('Checked by {{name}} on {{date}} — the value is right', {
        interpolation: { escapeValue: false },
        name: by,
        date: at,
      })
    : i18n.t('Corrected by {{name}} on {{date}}', { interpolation: { escapeValue: false }, name: by, date: at })
}
