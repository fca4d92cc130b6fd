import i18n from '@dhis2/d2-i18n'

/** « Qualité des données » (issue 15 §3). */
export function QualityPage() {
  return <h2>{i18n.t('Data quality')}</h2>
}
