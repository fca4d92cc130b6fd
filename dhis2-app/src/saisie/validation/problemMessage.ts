// The sentence an RC reads under a box for each kind of wrong number (valueAdvice.ts): what is wrong and what to
// type instead, in the UI's language.
import i18n from '@dhis2/d2-i18n'
import { uiLanguage } from '../../shared/language'
import type { ValueProblem } from './valueAdvice'

const grouped = (n: number) => new Intl.NumberFormat(uiLanguage() === 'fr' ? 'fr-FR' : 'en-GB').format(n)

export function problemMessage(problem: ValueProblem): string {
  const opts = { interpolation: { escapeValue: false } }
  switch (problem.kind) {
    case 'spaces':
      return i18n.t('Remove the spaces and type {{suggestion}}.', { suggestion: problem.suggestion, ...opts })
    case 'not-a-number':
      return i18n.t('Type a number with digits only, for example 12.')
    case 'decimal-comma':
      return i18n.t('Write decimals with a point ({{suggestion}}).', { suggestion: problem.suggestion, ...opts })
    case 'decimals':
      return i18n.t('A whole number is expected here, without decimals.')
    case 'negative':
      return i18n.t('This number cannot be negative.')
    case 'zero':
      return i18n.t('Zero is not accepted here. Type a number above 0, or leave the box empty.')
    case 'not-negative':
      return i18n.t('A number below zero is expected here.')
    case 'too-large':
      return i18n.t('This number is too large (at most {{max}}).', { max: grouped(problem.max), ...opts })
    case 'too-small':
      return i18n.t('This number is too small (at least {{min}}).', { min: grouped(problem.min), ...opts })
    case 'leading-zeros':
      return i18n.t('Remove the zeros in front and type {{suggestion}}.', { suggestion: problem.suggestion, ...opts })
    case 'plus-sign':
      return i18n.t('Remove the + sign and type {{suggestion}}.', { suggestion: problem.suggestion, ...opts })
    case 'write-as':
      return i18n.t('Type it {{suggestion}}.', { suggestion: problem.suggestion, ...opts })
    case 'percentage':
      return i18n.t('A percentage between 0 and 100 is expected here.')
    case 'unit-interval':
      return i18n.t('A number between 0 and 1 is expected here.')
  }
}
