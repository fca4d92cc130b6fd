import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import classes from './HomePage.module.css'

export function NoRoleNotice() {
  return (
    <section className={classes.section}>
      <NoticeBox warning title={i18n.t('You have no Relais role')} dataTest="relais-no-role">
        {i18n.t(
          'Your DHIS2 account is not in any Relais user group, so you cannot use Relais yet. Ask your administrator to add you to the Relais group that matches your work.',
        )}
      </NoticeBox>
    </section>
  )
}
