import i18n from '@dhis2/d2-i18n'
import type { RelaisRole } from './roles'

/** The role's name in the user's language (i18n.t is called at render time, after the locale is set). */
export function roleLabel(role: RelaisRole): string {
  switch (role) {
    case 'relais':
      return i18n.t('Community health worker')
    case 'superviseur':
      return i18n.t('Supervisor')
    case 'gestionnaire':
      return i18n.t('Manager')
    case 'administrateur':
      return i18n.t('Administrator')
  }
}
