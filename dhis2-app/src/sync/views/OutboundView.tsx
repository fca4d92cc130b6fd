// « Envois aux partenaires »: the signed webhooks the bridge sends to partners (issue 19 §4), newest first, paged,
// filtered by status — what was sent, to whom, how the partner answered, when it is tried again — and « Réessayer »
// for one that failed, after a confirmation. Cards rather than a table: each has eight facts, too many for the
// columns of a 375 px phone.
import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import { useId, useState } from 'react'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { useBridgeGet, useBridgePost } from '../../shared/bridge/useBridge'
import { uiLanguage, type Language } from '../../shared/language'
import type { OutboundDelivery, Paged } from '../api/types'
import { formatDateTime } from '../logic/format'
import {
  answerText,
  anyPending,
  mayRetryDelivery,
  OUTBOUND_STATUSES,
  OUTBOUND_TONE,
  outboundEventLabel,
  outboundParams,
  outboundStatusLabel,
  roundNumber,
} from '../logic/outbound'
import classes from '../Sync.module.css'
import { ConfirmModal, Loading, PagerBar, ProblemNotice, StatusTag } from './common'
import { FilterSelect } from './controls'

// Partners' texts (errors, URLs) are shown as they are: React escapes them, i18next must not do it twice.
const RAW = { interpolation: { escapeValue: false } }

interface Props {
  status: string
  page: number
  onFilter: (filter: { status: string; page: number }) => void
}

export function OutboundView({ status, page, onFilter }: Props) {
  const language = uiLanguage()
  const [retrying, setRetrying] = useState<OutboundDelivery | null>(null)
  const [retried, setRetried] = useState<OutboundDelivery | null>(null)
  // Refreshed while a delivery on this page is still being sent: a retry is seen to end without a reload.
  const { data, problem, loading, refetch } = useBridgeGet<Paged<OutboundDelivery>>(
    'outbound',
    outboundParams(status, page),
    (list) => anyPending(list.items),
  )
  const items = data?.items ?? []

  return (
    <section className={classes.page} aria-label={i18n.t('Partner deliveries')}>
      <p className={classes.muted}>
        {i18n.t(
          'What the bridge sends to partners when a report is completed, a run finishes or the quarantine grows. A partner recognises a delivery sent twice by its id.',
        )}
      </p>
      <div className={classes.form}>
        <FilterSelect
          label={i18n.t('Delivery status')}
          all={i18n.t('All statuses')}
          value={status}
          choices={OUTBOUND_STATUSES.map((s) => ({ value: s, label: outboundStatusLabel(s) }))}
          onChange={(value) => onFilter({ status: value, page: 1 })}
        />
      </div>
      {retried && (
        <NoticeBox valid title={i18n.t('Delivery sent again')}>
          {i18n.t('Round {{round}} has started. The bridge sends « {{event}} » to {{subscription}} in a moment.', {
            round: roundNumber(retried),
            event: outboundEventLabel(retried.event),
            subscription: retried.subscription,
            ...RAW,
          })}
        </NoticeBox>
      )}
      {problem && (
        <ProblemNotice problem={problem} title={i18n.t('Could not load the partner deliveries')} onRetry={refetch} />
      )}
      {!data && loading && <Loading label={i18n.t('Loading the partner deliveries')} />}
      {data && items.length === 0 && <EmptyList filtered={status !== ''} />}
      {items.length > 0 && (
        <div className={classes.cards}>
          {items.map((delivery) => (
            <DeliveryCard
              key={delivery.id}
              delivery={delivery}
              language={language}
              onRetry={() => {
                setRetried(null)
                setRetrying(delivery)
              }}
            />
          ))}
        </div>
      )}
      {data && <PagerBar pager={data.pager} onPage={(p) => onFilter({ status, page: p })} />}
      {retrying && (
        <RetryModal
          delivery={retrying}
          onCancel={() => setRetrying(null)}
          onDone={(delivery) => {
            setRetrying(null)
            setRetried(delivery)
            refetch()
          }}
        />
      )}
    </section>
  )
}

/** An empty list says why it may be empty: with no subscription, the bridge sends nothing at all. */
function EmptyList({ filtered }: { filtered: boolean }) {
  if (filtered) return <p className={classes.muted}>{i18n.t('No delivery with this status.')}</p>
  return (
    <NoticeBox title={i18n.t('No delivery to partners')}>
      {i18n.t(
        'The bridge has sent nothing to partners yet. If no partner is subscribed, this list stays empty. Subscriptions are set by the bridge’s administrator in relais.config.yaml, under {{key}}.',
        { key: 'outbound:', ...RAW },
      )}
    </NoticeBox>
  )
}

function DeliveryCard({
  delivery,
  language,
  onRetry,
}: {
  delivery: OutboundDelivery
  language: Language
  onRetry: () => void
}) {
  const titleId = useId()
  const historyId = useId()
  const [open, setOpen] = useState(false)
  const when = (iso: string | null) => formatDateTime(iso, language)
  const answer = answerText(delivery.lastStatus, delivery.lastError)
  return (
    <article className={classes.card} aria-labelledby={titleId}>
      <div className={classes.row}>
        <h3 id={titleId} className={classes.cardTitle}>
          {i18n.t('{{event}} to {{subscription}}', {
            event: outboundEventLabel(delivery.event),
            subscription: delivery.subscription,
            ...RAW,
          })}
        </h3>
        <StatusTag tone={OUTBOUND_TONE[delivery.status]}>{outboundStatusLabel(delivery.status)}</StatusTag>
      </div>
      <dl className={classes.facts}>
        <dt>{i18n.t('Attempts')}</dt>
        <dd>
          {i18n.t('{{attempts}} in round {{round}}', { attempts: delivery.attempts, round: roundNumber(delivery) })}
        </dd>
        <dt>{i18n.t('Last answer')}</dt>
        <dd>{answer || i18n.t('Not tried yet')}</dd>
        {delivery.status === 'pending' && delivery.nextAttemptAt && (
          <>
            <dt>{i18n.t('Next attempt')}</dt>
            <dd>{when(delivery.nextAttemptAt)}</dd>
          </>
        )}
        <dt>{i18n.t('Created')}</dt>
        <dd>{when(delivery.createdAt)}</dd>
        {delivery.deliveredAt && (
          <>
            <dt>{i18n.t('Delivered on')}</dt>
            <dd>{when(delivery.deliveredAt)}</dd>
          </>
        )}
        <dt>{i18n.t('Delivery id')}</dt>
        <dd className={classes.code}>{delivery.id}</dd>
      </dl>
      <div className={classes.row}>
        <Button small secondary onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls={historyId}>
          {open ? i18n.t('Hide the attempts') : i18n.t('Show the attempts')}
        </Button>
        {mayRetryDelivery(delivery) && (
          <Button small onClick={onRetry}>
            {i18n.t('Retry')}
          </Button>
        )}
      </div>
      <div id={historyId} hidden={!open}>
        {open && <AttemptList delivery={delivery} language={language} />}
      </div>
    </article>
  )
}

/** The delivery's last attempts (the bridge keeps 20), newest first: a pattern (always 503, always a timeout) shows. */
function AttemptList({ delivery, language }: { delivery: OutboundDelivery; language: Language }) {
  if (delivery.history.length === 0) return <p className={classes.muted}>{i18n.t('No attempt yet.')}</p>
  return (
    <ol className={classes.list} aria-label={i18n.t('Attempts of this delivery')}>
      {[...delivery.history].reverse().map((attempt, i) => (
        <li key={`${attempt.at}-${i}`}>
          {formatDateTime(attempt.at, language)} — {answerText(attempt.httpStatus, attempt.error)}
        </li>
      ))}
    </ol>
  )
}

function RetryModal({
  delivery,
  onCancel,
  onDone,
}: {
  delivery: OutboundDelivery
  onCancel: () => void
  onDone: (delivery: OutboundDelivery) => void
}) {
  const post = useBridgePost()
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)
  const retry = async () => {
    setBusy(true)
    setProblem(null)
    const result = await post<OutboundDelivery>(`outbound/${encodeURIComponent(delivery.id)}/retry`)
    setBusy(false)
    if (!result.ok) return setProblem(result.problem)
    onDone(result.data)
  }
  return (
    <ConfirmModal
      title={i18n.t('Send this delivery again?')}
      confirmLabel={i18n.t('Retry')}
      busy={busy}
      onConfirm={() => void retry()}
      onCancel={onCancel}
    >
      <p>
        {i18n.t(
          '« {{event}} » is sent again to {{subscription}}, from a new round of attempts. Do it once the partner has fixed what refused it.',
          { event: outboundEventLabel(delivery.event), subscription: delivery.subscription, ...RAW },
        )}
      </p>
      {problem && <ProblemNotice problem={problem} title={i18n.t('The delivery was not sent again')} />}
    </ConfirmModal>
  )
}
