import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import { formatDay } from '../../shared/language'

/** Why a month is read-only, and since when. */
export function ClosedPeriodNotice({ closedSince, expiryDays }: { closedSince: string; expiryDays: number }) {
  return (
    <NoticeBox warning title={i18n.t('This month is closed since {{date}}', { date: formatDay(closedSince) })}>
      {i18n.t(
        'Reports can be entered or changed up to {{days}} days after the end of the month. This report can only be read; ask your data manager if it must be corrected.',
        { days: expiryDays },
      )}
    </NoticeBox>
  )
}
