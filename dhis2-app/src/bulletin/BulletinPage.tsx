import i18n from '@dhis2/d2-i18n'

/** The periodic bulletin per zone and département (issue 15 §4). */
export function BulletinPage() {
  return <h2>{i18n.t('Bulletin')}</h2>
}
