// « Aide » (issue 15 §2, « remontée en temps réel des difficultés »): an RC reports a difficulty in a few taps,
// offline too, and follows the answer; supervisors and administrators answer at the desk. Every ticket is a
// DHIS2 feedback conversation (a TICKET to the feedback recipients group) with DHIS2's status, priority and
// assignee: the help desk works the same from DHIS2's own messaging app.
import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox } from '@dhis2/ui'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { LoadError } from '../shared/LoadError'
import { useLoad } from '../shared/useLoad'
import classes from './Helpdesk.module.css'
import { loadFeedbackGroup, managesTickets } from './helpdeskApi'
import { MyHelp } from './MyHelp'
import { TicketDesk } from './TicketDesk'

export function HelpdeskPage() {
  const { roles } = useCurrentUser()
  // An RC only files and follows their own; the other roles may run the desk.
  const deskRole = roles.some((role) => role !== 'relais')
  return (
    <div className={classes.page}>
      <h2 className={classes.title}>{i18n.t('Help')}</h2>
      {deskRole ? <Desk /> : <MyHelp />}
    </div>
  )
}

/**
 * The desk. DHIS2 sends every ticket to its feedback recipients group, and a supervisor gets their RC's (the RC's
 * app adds their zone and aire): both answer, assign and move tickets on; only the group (and superusers, DHIS2's
 * ticket managers) write internal notes. Whoever sees none is told why.
 */
function Desk() {
  const engine = useDataEngine()
  const { user } = useCurrentUser()
  const group = useLoad('feedback-group', () => loadFeedbackGroup(engine))
  if (group.error)
    return <LoadError title={i18n.t('Could not load the help desk')} error={group.error} retry={group.reload} />
  if (group.loading || group.data === undefined) return <CircularLoader aria-label={i18n.t('Loading the help desk')} />
  const manager = managesTickets(user, group.data)
  return (
    <>
      {!manager && (
        <NoticeBox title={i18n.t('The requests of your community health workers')}>
          {group.data
            ? i18n.t(
                'You see the requests of the community health workers you supervise. DHIS2 sends all of them to the members of the user group {{group}}, who alone write internal notes.',
                { group: group.data.name, interpolation: { escapeValue: false } },
              )
            : i18n.t(
                "You see the requests of the community health workers you supervise. DHIS2's feedback recipients group is not set. An administrator sets it in DHIS2's system settings.",
              )}
        </NoticeBox>
      )}
      <TicketDesk group={group.data} manager={manager} />
    </>
  )
}
