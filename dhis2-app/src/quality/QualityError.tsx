import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import { statusOf } from '../shared/dhis2Access'
import { LoadError } from '../shared/LoadError'

/**
 * A failed load, said plainly: DHIS2 refuses the data-quality checks (403) to a role without the authority
 * F_RUN_VALIDATION; anything else is LoadError's (offline, or DHIS2's message).
 */
export function QualityError({ title, error, retry }: { title: string; error: unknown; retry?: () => unknown }) {
  if (statusOf(error) === 403) {
    return (
      <NoticeBox error title={title}>
        {i18n.t(
          'Your role does not allow you to run DHIS2’s data-quality checks (authority {{authority}}). Ask your administrator.',
          { interpolation: { escapeValue: false }, authority: 'F_RUN_VALIDATION' },
        )}
      </NoticeBox>
    )
  }
  return <LoadError title={title} error={error} retry={retry ?? (() => undefined)} />
}
