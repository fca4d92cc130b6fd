import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import type { ReactNode } from 'react'
import { allowedScreens, type RelaisScreen } from '../roles/roles'
import { useCurrentUser } from '../shared/CurrentUserProvider'

/** Opens a screen only for the roles allowed (a typed-in address is refused too; DHIS2 refuses the calls anyway). */
export function RequireScreen({ screen, children }: { screen: RelaisScreen; children: ReactNode }) {
  const { roles } = useCurrentUser()
  if (!allowedScreens(roles).includes(screen)) {
    return (
      <NoticeBox warning title={i18n.t('Not available for your role')}>
        {i18n.t('Your Relais role does not give access to this screen.')}
      </NoticeBox>
    )
  }
  return <>{children}</>
}
