import i18n from '@dhis2/d2-i18n'
import { Button, Tag } from '@dhis2/ui'
import { useState } from 'react'
import { formatDay } from '../shared/language'
import { ageBandLabel, daysAgoLabel, outcomeLabel, sexLabel } from './labels'
import { OutcomeForm } from './OutcomeForm'
import type { PendingOutcome } from './outcomeQueue'
import { daysSince, type TracingTask } from './tasks'
import classes from './Tracing.module.css'
import type { OutcomeCode } from './tracingProgram'

interface Props {
  task: TracingTask
  today: string
  /** The RC's outcome waiting on the phone, if any. */
  pending?: PendingOutcome
  /** The RC's name, for a supervisor's list. */
  rcName?: string
  /** Absent for a supervisor: they follow, the RC records. */
  onRecord?: (task: TracingTask, outcome: OutcomeCode, date: string) => void
}

/** One task: what helps find the person, and the outcome (recorded, waiting to be sent, or to record). */
export function TaskCard({ task, today, pending, rcName, onRecord }: Props) {
  const [recording, setRecording] = useState(false)
  const days = daysSince(task.missedOn, today)
  const outcome = pending?.outcome ?? task.outcome
  const outcomeDate = pending?.outcomeDate ?? task.outcomeDate
  return (
    <li className={classes.card} data-test="relais-tracing-task" data-event={task.event}>
      <h4 className={classes.code}>
        {i18n.t('Tracing code')} {task.code ?? '—'}
      </h4>
      <dl className={classes.facts}>
        {rcName && (
          <>
            <dt>{i18n.t('Community health worker')}</dt>
            <dd>{rcName}</dd>
          </>
        )}
        <dt>{i18n.t('Village or neighbourhood')}</dt>
        <dd>{task.locality ?? '—'}</dd>
        <dt>{i18n.t('Sex')}</dt>
        <dd>{sexLabel(task.sex)}</dd>
        <dt>{i18n.t('Age')}</dt>
        <dd>{ageBandLabel(task.ageBand)}</dd>
        <dt>{i18n.t('Missed appointment')}</dt>
        <dd>{task.missedOn ? `${formatDay(task.missedOn)} (${daysAgoLabel(days)})` : '—'}</dd>
        <dt>{i18n.t('Care site')}</dt>
        <dd>{task.site ?? '—'}</dd>
        {!task.open && outcome && (
          <>
            <dt>{i18n.t('Outcome')}</dt>
            <dd>
              {outcomeLabel(outcome)}
              {outcomeDate ? ` — ${formatDay(outcomeDate)}` : ''}
            </dd>
          </>
        )}
      </dl>
      {task.open && pending && (
        <p className={classes.pending} data-status="waiting">
          <Tag neutral>{i18n.t('Waiting to be sent')}</Tag> {outcomeLabel(pending.outcome)} —{' '}
          {formatDay(pending.outcomeDate)}
        </p>
      )}
      {task.open && !pending && onRecord && !recording && (
        <Button primary onClick={() => setRecording(true)}>
          {i18n.t('Record the outcome')}
        </Button>
      )}
      {task.open && !pending && onRecord && recording && (
        <OutcomeForm
          task={task}
          today={today}
          onCancel={() => setRecording(false)}
          onRecord={(code, date) => {
            setRecording(false)
            onRecord(task, code, date)
          }}
        />
      )}
    </li>
  )
}
