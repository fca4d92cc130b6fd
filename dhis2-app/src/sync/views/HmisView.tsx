// « SNIS national / National HMIS »: the programme's zone totals pushed each month to the ministry's DHIS2 (issue
// 19 §2) — the pushes, trials and checks, newest first, each with its counts per line status, « Lancer » for the
// roles with hmis:push, and a push's reconciliation report (HmisReportView). Cards rather than a table: a push has
// six facts, too many for the columns of a 375 px phone.
import { useDataQuery } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import { useId } from 'react'
import { useBridgeGet } from '../../shared/bridge/useBridge'
import { uiLanguage, type Language } from '../../shared/language'
import type { HmisPush, HmisPushList } from '../api/types'
import { formatDateTime } from '../logic/format'
import {
  countsInOrder,
  HMIS_LINE_TONE,
  HMIS_PUSH_TONE,
  hmisLineStatusLabel,
  hmisModeLabel,
  hmisPushStatusLabel,
  isRunning,
  monthLabel,
  pageOfPushes,
} from '../logic/hmis'
import classes from '../Sync.module.css'
import { Loading, PagerBar, ProblemNotice, StatusTag } from './common'
import { OpenButton } from './controls'
import { HmisLaunch } from './HmisLaunch'

// Names and the like are shown as they are: React escapes them, i18next must not do it twice.
const RAW = { interpolation: { escapeValue: false } }

// The bridge lists at most this many pushes, newest first (api/routes/hmis.ts): years of monthly pushes.
const LIST_LIMIT = 100

// DHIS2's date decides which month « Lancer » offers first (the month before), not the browser's clock.
const SERVER_DATE_QUERY = { info: { resource: 'system/info', params: { fields: 'serverDate' } } }

interface Props {
  page: number
  canPush: boolean
  onPage: (page: number) => void
  onOpenPush: (id: string) => void
}

export function HmisView({ page, canPush, onPage, onOpenPush }: Props) {
  const language = uiLanguage()
  // Asked again while a push runs, so that its status and counts move without a reload.
  const { data, problem, loading, refetch } = useBridgeGet<HmisPushList>('hmis/pushes', { limit: LIST_LIMIT }, (list) =>
    list.items.some(isRunning),
  )
  const shown = data ? pageOfPushes(data.items, page) : undefined
  // The bridge's list says whether it has a national HMIS: « Lancer » is offered only then, and its absence is said
  // at once, without a push tried (and refused) to learn it.
  const configured = data?.configured
  const info = useDataQuery<{ info: { serverDate?: string } }>(SERVER_DATE_QUERY, { lazy: !canPush })
  const serverDate = info.data?.info.serverDate

  return (
    <section className={classes.page} aria-label={i18n.t('National HMIS')}>
      <p className={classes.muted}>
        {i18n.t(
          'Each month the programme’s totals per health zone go to the ministry’s DHIS2 (the SNIS). Each push keeps a report with, per zone and cell, both values and why they differ.',
        )}
      </p>
      {configured === false && <NotConfigured />}
      {canPush && configured && serverDate && (
        <HmisLaunch serverDate={serverDate} onStarted={(push) => onOpenPush(push.id)} />
      )}
      {canPush && configured && info.error && (
        <NoticeBox warning title={i18n.t('Could not read DHIS2’s date')}>
          {i18n.t('The months to push are chosen from DHIS2’s date. Reload the page to try again.')}
        </NoticeBox>
      )}
      {problem && (
        <ProblemNotice problem={problem} title={i18n.t('Could not load the national HMIS pushes')} onRetry={refetch} />
      )}
      {!data && loading && <Loading label={i18n.t('Loading the national HMIS pushes')} />}
      {shown && shown.items.length === 0 && configured && <NoPush />}
      {shown && shown.items.length > 0 && (
        <div className={classes.cards}>
          {shown.items.map((push) => (
            <PushCard key={push.id} push={push} language={language} onOpen={() => onOpenPush(push.id)} />
          ))}
        </div>
      )}
      {shown && <PagerBar pager={shown.pager} onPage={onPage} />}
      {data && data.items.length >= LIST_LIMIT && (
        <p className={classes.muted}>{i18n.t('Only the {{limit}} newest pushes are listed.', { limit: LIST_LIMIT })}</p>
      )}
    </section>
  )
}

/** An empty list of a bridge that has a national HMIS (without one, NotConfigured says so instead). */
function NoPush() {
  return (
    <NoticeBox title={i18n.t('No push to the national HMIS yet')}>
      {i18n.t('Nothing has been pushed to the national HMIS yet.')}
    </NoticeBox>
  )
}

/**
 * Said plainly, from the bridge's list (`configured: false`): without an enabled `hmis:` the bridge has nowhere to
 * push, and refuses a push — so « Lancer » is not offered. The pushes listed, if any, are from before.
 */
function NotConfigured() {
  return (
    <NoticeBox warning title={i18n.t('No national HMIS is configured in the bridge')}>
      {i18n.t(
        'The bridge has no national instance to push to. Its administrator adds one in relais.config.yaml, under {{key}} (address of the national DHIS2, account, mapping), then restarts the bridge.',
        { key: 'hmis:', ...RAW },
      )}
    </NoticeBox>
  )
}

/** A push: its month, mode, status, who and when; its lines per status unless the report below says them. */
export function PushCard({
  push,
  language,
  onOpen,
  withCounts = true,
}: {
  push: HmisPush
  language: Language
  onOpen?: () => void
  withCounts?: boolean
}) {
  const titleId = useId()
  const counts = withCounts ? countsInOrder(push.counts) : []
  return (
    <article className={classes.card} aria-labelledby={titleId}>
      <div className={classes.row}>
        <h3 id={titleId} className={classes.cardTitle}>
          {i18n.t('{{month}} — {{mode}}', {
            month: monthLabel(push.period, language),
            mode: hmisModeLabel(push.mode),
            interpolation: { escapeValue: false },
          })}
        </h3>
        <StatusTag tone={HMIS_PUSH_TONE[push.status]}>{hmisPushStatusLabel(push.status)}</StatusTag>
      </div>
      <dl className={classes.facts}>
        <dt>{i18n.t('Started')}</dt>
        <dd>{formatDateTime(push.startedAt, language)}</dd>
        <dt>{i18n.t('By')}</dt>
        <dd>{push.trigger === 'schedule' ? i18n.t('the monthly schedule') : push.actor}</dd>
        {counts.length > 0 && (
          <>
            <dt>{i18n.t('Report lines')}</dt>
            <dd>
              <ul className={classes.counts} aria-label={i18n.t('Report lines by status')}>
                {counts.map(({ status, count }) => (
                  <li key={status}>
                    <StatusTag tone={HMIS_LINE_TONE[status]}>
                      {count} {hmisLineStatusLabel(status)}
                    </StatusTag>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {push.error && (
          <>
            <dt>{i18n.t('Error')}</dt>
            <dd>{push.error}</dd>
          </>
        )}
      </dl>
      {onOpen && (
        <div className={classes.row}>
          <OpenButton onClick={onOpen}>{i18n.t('Open the report')}</OpenButton>
        </div>
      )}
    </article>
  )
}
