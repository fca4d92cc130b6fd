/**
 * Sécurité — for administrators (issue 16 §3): today's findings of the bridge's daily security check and their
 * trend, who must change their password (and a message to them), the access review with its bulk actions made in
 * DHIS2 and recorded by the bridge, the evidence pack of a range of days, and the bridge's audit log.
 */
import i18n from '@dhis2/d2-i18n'
import { Tab, TabBar } from '@dhis2/ui'
import { useState } from 'react'
import { AccessReviewTab } from './AccessReviewTab'
import { AuditTab } from './AuditTab'
import { EvidenceTab } from './EvidenceTab'
import { PasswordsTab } from './PasswordsTab'
import classes from './Security.module.css'
import layout from '../shared/PageLayout.module.css'
import { TodayTab } from './TodayTab'

type TabId = 'today' | 'passwords' | 'review' | 'evidence' | 'audit'

/** Today as a calendar day (the browser's date, UTC: the bridge names its reports by UTC day). */
const todayUtc = () => new Date().toISOString().slice(0, 10)

export function SecurityPage() {
  const [tab, setTab] = useState<TabId>('today')
  const today = todayUtc()
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
      {tab === 'today' && <TodayTab today={today} />}
      {tab === 'passwords' && <PasswordsTab />}
      {tab === 'review' && <AccessReviewTab today={today} />}
      {tab === 'evidence' && <EvidenceTab today={today} />}
      {tab === 'audit' && <AuditTab />}
    </div>
  )
}
