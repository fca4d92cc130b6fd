import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import { screenText } from '../home/screenText'
import type { RelaisScreen } from '../roles/roles'

/** Placeholder of a screen that the next version brings. */
export function ComingSoon({ screen }: { screen: RelaisScreen }) {
  const { title, purpose } = screenText(screen)
  return (
    <section aria-labelledby="relais-coming-soon">
      <h2 id="relais-coming-soon">{title}</h2>
      <NoticeBox title={i18n.t('Coming in the next version')}>{purpose}</NoticeBox>
    </section>
  )
}
