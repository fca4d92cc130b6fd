import { useConfig, useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Button, CircularLoader, NoticeBox } from '@dhis2/ui'
import { useMemo } from 'react'
import { LOGIN_URL } from '../offline/PendingQueuePanel'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { LoadError } from '../shared/LoadError'
import { useOrgUnitNames } from '../shared/orgunits/useOrgUnitNames'
import { serverNow } from '../shared/serverTime'
import { useLoad } from '../shared/useLoad'
import { outcomeLabel } from './labels'
import { loadTasks } from './loadTasks'
import { useOutcomeQueue } from './outcomeQueueRegistry'
import { openTasks, recentClosed, type TracingTask } from './tasks'
import { TaskCard } from './TaskCard'
import classes from './Tracing.module.css'
import { outcomeValues } from './trackerEvents'
import { loadTracingMeta, TRACING_PROGRAM_CODE, type OutcomeCode, type TracingMeta } from './tracingProgram'

/** Recherche PDV — the RC's tracing tasks of people living with HIV lost to follow-up (issue 19 §3). */
export function TracingPage() {
  const engine = useDataEngine()
  const setup = useLoad('tracing-setup', async () => {
    const [meta, info] = await Promise.all([
      loadTracingMeta(engine),
      engine.query({ info: { resource: 'system/info' } }) as Promise<{ info: { serverDate: string } }>,
    ])
    return { meta, serverDate: info.info.serverDate, readAt: Date.now() }
  })
  if (setup.error) {
    return <LoadError title={i18n.t('Could not load the tracing tasks')} error={setup.error} retry={setup.reload} />
  }
  if (!setup.data) return <CircularLoader aria-label={i18n.t('Loading the tracing tasks')} />
  if (!setup.data.meta) {
    return (
      <NoticeBox error title={i18n.t('Patient tracing is not set up in DHIS2')}>
        {i18n.t('The program {{code}} was not found. Ask your administrator.', { code: TRACING_PROGRAM_CODE })}
      </NoticeBox>
    )
  }
  const today = serverNow(setup.data.serverDate, setup.data.readAt).slice(0, 10)
  return <TaskBoard meta={setup.data.meta} today={today} />
}

function TaskBoard({ meta, today }: { meta: TracingMeta; today: string }) {
  const engine = useDataEngine()
  const { serverVersion } = useConfig()
  const { user, roles } = useCurrentUser()
  const queue = useOutcomeQueue()
  const canRecord = roles.includes('relais')
  const units = user.organisationUnits.map((u) => u.id)
  // Loaded again each time DHIS2 takes an outcome: the task moves to the closed ones.
  const tasks = useLoad(`${units.join(',')}|${queue.sent}`, () => loadTasks(engine, meta, units, serverVersion?.minor))
  const all = tasks.data ?? []
  const open = useMemo(() => openTasks(all), [all])
  const closed = useMemo(() => recentClosed(all), [all])
  const pendingByEvent = new Map(queue.pending.map((p) => [p.key, p]))
  const names = useOrgUnitNames(canRecord ? [] : all.map((t) => t.orgUnit))

  const record = (task: TracingTask, outcome: OutcomeCode, date: string) => {
    void queue.record({
      key: task.event,
      code: task.code ?? task.event,
      outcome,
      outcomeDate: date,
      values: outcomeValues(meta, outcome, date),
    })
  }

  return (
    <div className={classes.page}>
      <h2>{i18n.t('Patient tracing')}</h2>
      <p className={classes.intro}>
        {i18n.t(
          'Each task is a person living with HIV who missed an appointment at their care site. No name or phone number is ever shown here. Meet the counsellor of the care site, who holds the list by the same tracing code.',
        )}
      </p>
      {queue.held === 'session-expired' ? (
        <NoticeBox error title={i18n.t('Your DHIS2 session has expired')}>
          {i18n.t('The outcomes you recorded are kept on this device and will be sent once you sign in again.')}{' '}
          <a href={LOGIN_URL} target="_blank" rel="noreferrer">
            {i18n.t('Sign in again')}
          </a>
        </NoticeBox>
      ) : queue.held === 'offline' ? (
        <NoticeBox warning title={i18n.t('No connection to DHIS2')}>
          {i18n.t('The outcomes you record are kept on this device and sent as soon as the connection returns.')}
        </NoticeBox>
      ) : null}
      {queue.refused.length > 0 && (
        <section className={classes.section} aria-labelledby="relais-tracing-refused">
          <NoticeBox error title={i18n.t('Outcomes refused by DHIS2')}>
            <span id="relais-tracing-refused">
              {i18n.t(
                'DHIS2 did not take these outcomes (the task may have been closed or changed meanwhile). They will not be sent again.',
              )}
            </span>
            <ul className={classes.list} data-test="relais-tracing-refused">
              {queue.refused.map((item) => (
                <li key={item.key} className={classes.refused}>
                  <span>
                    <strong>{item.code}</strong> — {outcomeLabel(item.outcome)}: {item.refused}
                  </span>
                  <Button small secondary onClick={() => void queue.discard(item.key)}>
                    {i18n.t('Discard')}
                  </Button>
                </li>
              ))}
            </ul>
          </NoticeBox>
        </section>
      )}
      {tasks.error && !tasks.data ? (
        <LoadError title={i18n.t('Could not load the tracing tasks')} error={tasks.error} retry={tasks.reload} />
      ) : !tasks.data ? (
        <CircularLoader aria-label={i18n.t('Loading the tracing tasks')} />
      ) : (
        <>
          <section className={classes.section} aria-labelledby="relais-tracing-open">
            <h3 id="relais-tracing-open">{i18n.t('Tasks to do ({{number}})', { number: open.length })}</h3>
            {open.length === 0 ? (
              <p className={classes.muted}>{i18n.t('No tracing task to do.')}</p>
            ) : (
              <ul className={classes.list}>
                {open.map((task) => (
                  <TaskCard
                    key={task.event}
                    task={task}
                    today={today}
                    pending={pendingByEvent.get(task.event)}
                    rcName={names.get(task.orgUnit)}
                    onRecord={canRecord ? record : undefined}
                  />
                ))}
              </ul>
            )}
          </section>
          <section className={classes.section} aria-labelledby="relais-tracing-closed">
            <h3 id="relais-tracing-closed">{i18n.t('Recently closed')}</h3>
            {closed.length === 0 ? (
              <p className={classes.muted}>{i18n.t('No task closed yet.')}</p>
            ) : (
              <ul className={classes.list}>
                {closed.map((task) => (
                  <TaskCard key={task.event} task={task} today={today} rcName={names.get(task.orgUnit)} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  )
}
