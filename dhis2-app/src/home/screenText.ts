import i18n from '@dhis2/d2-i18n'
import type { RelaisScreen } from '../roles/roles'

/** Title and one-line purpose of each future screen, in the user's language. */
export function screenText(screen: RelaisScreen): { title: string; purpose: string } {
  switch (screen) {
    case 'saisie':
      return {
        title: i18n.t('Report entry'),
        purpose: i18n.t("Enter and check the community health workers' monthly reports"),
      }
    case 'resultats':
      return {
        title: i18n.t('My results'),
        purpose: i18n.t('The report due, the last six months and the targets of a community health worker'),
      }
    case 'recherche-pdv':
      return {
        title: i18n.t('Patient tracing'),
        purpose: i18n.t('Find the people living with HIV who missed their appointment, and record the outcome'),
      }
    case 'tableau-de-bord':
      return {
        title: i18n.t('Dashboard'),
        purpose: i18n.t("Follow the community health workers' performance"),
      }
    case 'synchronisation':
      return {
        title: i18n.t('Synchronisation'),
        purpose: i18n.t('Follow and retry the data exchanges with DHIS2'),
      }
    case 'rappels':
      return {
        title: i18n.t('Reminders'),
        purpose: i18n.t('Set who is reminded, when and how, and see every reminder sent'),
      }
    case 'aide':
      return {
        title: i18n.t('Help'),
        purpose: i18n.t(
          'Report a difficulty and follow the answer, or answer the requests of the community health workers',
        ),
      }
    case 'qualite':
      return {
        title: i18n.t('Data quality'),
        purpose: i18n.t('Check outliers, validation rule violations and values marked for follow-up'),
      }
    case 'bulletin':
      return {
        title: i18n.t('Bulletin'),
        purpose: i18n.t('A printable summary per zone and département, for a week, month, quarter, half-year or year'),
      }
    case 'securite':
      return {
        title: i18n.t('Security'),
        purpose: i18n.t('Security findings, access review, evidence pack and audit log'),
      }
    case 'exploitation':
      return {
        title: i18n.t('Operations'),
        purpose: i18n.t('Ledger size and growth, DHIS2 values, Redis, disk, projection, sizing and last backup'),
      }
  }
}
