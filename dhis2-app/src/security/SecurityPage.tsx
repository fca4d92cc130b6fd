/**
 * Sécurité — for administrators (issue 16 §3): today's findings of the bridge's daily security check and their
 * trend, who must change their password (and a message to them), the access review with its bulk actions made in
 * DHIS2 and recorded by the bridge, the evidence pack of a range of days, and the bridge's audit log.
 */
import i18n from '@dhis2/d2-i18n'
import { useDataQuery } from '@dhis2/app-runtime'
import { CircularLoader, Tab, TabBar } from '@dhis2/ui'
import { useState } from 'react'
import { serverNow } from '../shared/serverTime'
import { AccessReviewTab } from './AccessReviewTab'
import { AuditTab } from './AuditTab'
import { EvidenceTab } from './EvidenceTab'
import { PasswordsTab } from './PasswordsTab'
import classes from './Security.module.css'
import layout from '../shared/PageLayout.module.css'
import { TodayTab } from './TodayTab'

type TabId = 'today' | 'passwords' | 'review' | 'evidence' | 'audit'

const SERVER_DATE_QUERY = { info: { resource: 'system/info', params: { fields: 'serverDate' } } }

/** The browser's own calendar day (its time zone), when DHIS2's cannot be read. */
const browserDay = (now = new Date()) =>
  `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`

/**
 * Today as the programme's calendar day: DHIS2's date (server-local, Benin's), the day the bridge names its daily
 * report by. Not the browser's UTC date: from midnight to 1 a.m. in Benin that is still yesterday, and today's
 * report fell outside every range (the evidence pack came out without it).
 */
function useProgrammeDay(): string | undefined {
  const { data, error } = useDataQuery<{ info: { serverDate?: string } }>(SERVER_DATE_QUERY)
  const [readAt] = useState(() => Date.now())
  const serverDate = data?.info.serverDate
  if (serverDate) {
    try {
      return serverNow(serverDate, readAt).slice(0, 10)
    } catch {
      return browserDay()
    }
  }
  return error || data ? browserDay() : undefined
}

export function SecurityPage() {
  const [tab, setTab] = useState<TabId>('today')
  const today = useProgrammeDay()
  const tabs: Array<[TabId, string]> = [
    ['today', i18n.t('Today')],
    ['passwords', i18n.t('Passwords')],
    ['review', i18n.t('Access review')],
    ['evidence', i18n.t('Evidence pack')],
    ['audit', i18n.t('Audit log')],
  ]
  return (
    <div className={layout.page}>
      <h2 className={layout.title}>{i18n.t('Security')}</h2>
      <TabBar className={classes.tabBar}>
        {tabs.map(([id, label]) => (
          <Tab key={id} selected={tab === id} onClick={() => setTab(id)}>
            {label}
          </Tab>
        ))}
      </TabBar>
      {!today && <CircularLoader small aria-label={i18n.t('Reading DHIS2’s date')} />}
      {tab === 'today' && today && <TodayTab today={today} />}
      {tab === 'passwords' && <PasswordsTab />}
      {tab === 'review' && today && <AccessReviewTab today={today} />}
      {tab === 'evidence' && today && <EvidenceTab today={today} />}
      {tab === 'audit' && <AuditTab />}
    </div>
  )
}
