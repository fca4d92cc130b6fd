import i18n from '@dhis2/d2-i18n'
import { Tab, TabBar } from '@dhis2/ui'
import type { ReactNode } from 'react'
import { screenText } from '../home/screenText'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import type { RecordSearch } from './api/paths'
import type { Paged, Source } from './api/types'
import { useBridgeGet } from '../shared/bridge/useBridge'
import { blocksConsole } from '../shared/bridge/bridgeProblem'
import { mayActInConsole, mayPushHmis, mayReadHmis, mayReadOutbound } from './logic/permissions'
import classes from './Sync.module.css'
import { BridgeProblemScreen } from './views/BridgeProblemScreen'
import { Loading, ProblemNotice } from './views/common'
import { HmisReportView } from './views/HmisReportView'
import { HmisView } from './views/HmisView'
import { OutboundView } from './views/OutboundView'
import { QuarantineView } from './views/QuarantineView'
import { RecordsView } from './views/RecordsView'
import { RecordView } from './views/RecordView'
import { RunsView } from './views/RunsView'
import { RunView } from './views/RunView'
import { SourcesView } from './views/SourcesView'
import { useSyncNav, type SyncView } from './views/useSyncNav'

const pageOf = (value: string | null) => Math.max(1, Number(value) || 1)

/**
 * Synchronisation — the sync console (data managers), through the DHIS2 route `relais-bridge`. The sources list is
 * asked first: when the route is missing or the bridge is down, a screen says what to do instead of the console.
 */
export function SyncConsolePage() {
  const { roles } = useCurrentUser()
  const canAct = mayActInConsole(roles)
  const seesOutbound = mayReadOutbound(roles)
  const seesHmis = mayReadHmis(roles)
  const nav = useSyncNav()
  // A role without outbound:read (hmis:read) has no partner deliveries (national HMIS): an address naming them
  // opens the sources instead.
  const hidden = (nav.view === 'outbound' && !seesOutbound) || (nav.view === 'hmis' && !seesHmis)
  const view: SyncView = hidden ? 'sources' : nav.view
  const { params } = nav
  const sources = useBridgeGet<Paged<Source>>('sources', { pageSize: 100 }, (list) =>
    // A source that is running changes health and counts by itself: worth watching while it is on screen.
    view === 'sources' && !nav.runId ? list.items.some((s) => s.health === 'running') : false,
  )
  const title = screenText('synchronisation').title

  const frame = (content: ReactNode) => (
    <section className={classes.page} aria-labelledby="relais-sync-title">
      <h2 id="relais-sync-title" className={classes.title}>
        {title}
      </h2>
      {content}
    </section>
  )

  if (sources.problem && blocksConsole(sources.problem))
    return frame(<BridgeProblemScreen problem={sources.problem} onRetry={sources.refetch} />)
  if (!sources.data && sources.loading) return frame(<Loading label={i18n.t('Connecting to the Relais bridge')} />)

  const sourceList = sources.data?.items ?? []
  const tabs: Array<{ id: SyncView; label: string }> = [
    { id: 'sources', label: i18n.t('Sources') },
    { id: 'runs', label: i18n.t('Run history') },
    { id: 'records', label: i18n.t('Records') },
    { id: 'quarantine', label: i18n.t('Quarantine') },
    ...(seesOutbound ? [{ id: 'outbound' as const, label: i18n.t('Partner deliveries') }] : []),
    ...(seesHmis ? [{ id: 'hmis' as const, label: i18n.t('National HMIS') }] : []),
  ]
  const search: RecordSearch = {
    rcCode: params.get('rcCode') ?? '',
    period: params.get('period') ?? '',
    status: params.get('status') ?? '',
    sourceKey: params.get('sourceKey') ?? '',
    runId: params.get('runId') ?? undefined,
  }
  const back = () => nav.go({ view })

  let body: ReactNode
  if (nav.recordId) {
    body = (
      <RecordView
        key={nav.recordId}
        recordId={nav.recordId}
        canAct={canAct}
        onBack={back}
        onOpenRun={nav.openRun}
        onOpenRecord={(id) => nav.openRecord(id)}
      />
    )
  } else if (nav.runId) {
    body = (
      <RunView
        key={nav.runId}
        runId={nav.runId}
        canAct={canAct}
        onBack={() => nav.go({ view: 'runs' })}
        onOpenRecords={({ runId, status }) => nav.go({ view: 'records', runId, status })}
        onOpenQuarantine={(runId) => nav.go({ view: 'quarantine', runId })}
        onOpenRun={nav.openRun}
      />
    )
  } else if (view === 'runs') {
    body = (
      <RunsView
        sources={sourceList}
        source={params.get('source') ?? ''}
        status={params.get('status') ?? ''}
        page={pageOf(params.get('page'))}
        onFilter={(filter) => nav.go({ view, ...filter })}
        onOpenRun={nav.openRun}
      />
    )
  } else if (view === 'records') {
    body = (
      <RecordsView
        key={params.toString()}
        search={search}
        page={pageOf(params.get('page'))}
        onSearch={(s, page) => nav.go({ view, ...s, page })}
        onOpenRecord={(id) => nav.openRecord(id, 'records')}
      />
    )
  } else if (view === 'quarantine') {
    body = (
      <QuarantineView
        key={params.toString()}
        filter={{
          reason: params.get('reason') ?? '',
          source: params.get('source') ?? '',
          rcCode: params.get('rcCode') ?? '',
          period: params.get('period') ?? '',
          within: params.get('within') ?? '',
          runId: params.get('runId') ?? '',
        }}
        sources={sourceList}
        page={pageOf(params.get('page'))}
        canAct={canAct}
        onFilter={(filter) => nav.go({ view, ...filter })}
        onOpenRecord={(id) => nav.openRecord(id, 'quarantine')}
      />
    )
  } else if (view === 'outbound') {
    body = (
      <OutboundView
        status={params.get('status') ?? ''}
        page={pageOf(params.get('page'))}
        onFilter={(filter) => nav.go({ view, ...filter })}
      />
    )
  } else if (view === 'hmis' && nav.pushId) {
    body = (
      <HmisReportView
        key={nav.pushId}
        pushId={nav.pushId}
        filter={params.get('status') ?? ''}
        page={pageOf(params.get('page'))}
        onFilter={(filter) => nav.go({ view, push: nav.pushId ?? undefined, ...filter })}
        onBack={() => nav.go({ view })}
      />
    )
  } else if (view === 'hmis') {
    body = (
      <HmisView
        page={pageOf(params.get('page'))}
        canPush={mayPushHmis(roles)}
        onPage={(page) => nav.go({ view, page })}
        onOpenPush={(push) => nav.go({ view, push })}
      />
    )
  } else {
    body = (
      <>
        {sources.problem && (
          <ProblemNotice
            problem={sources.problem}
            title={i18n.t('Could not load the sources')}
            onRetry={sources.refetch}
          />
        )}
        <SourcesView
          sources={sourceList}
          canAct={canAct}
          onOpenRun={nav.openRun}
          onOpenRuns={(source) => nav.go({ view: 'runs', source })}
        />
      </>
    )
  }

  return frame(
    <>
      {!canAct && (
        <p className={classes.muted}>{i18n.t('Read only. Your Relais role does not allow actions in the console.')}</p>
      )}
      {/* @dhis2/ui's tabs, wrapping on a phone instead of hiding the last ones (Sync.module.css). A tab is chosen
          on focus too (the arrow keys move between tabs): once is enough, not again on the click that follows. */}
      <nav aria-label={i18n.t('Parts of the console')}>
        <TabBar className={classes.tabBar} dataTest="relais-sync-tabs">
          {tabs.map((tab) => (
            <Tab
              key={tab.id}
              selected={view === tab.id}
              onClick={() => {
                if (params.toString() !== `view=${tab.id}`) nav.go({ view: tab.id })
              }}
            >
              {tab.label}
            </Tab>
          ))}
        </TabBar>
      </nav>
      {body}
    </>,
  )
}
