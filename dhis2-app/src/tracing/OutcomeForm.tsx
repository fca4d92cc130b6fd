import i18n from '@dhis2/d2-i18n'
import { Button, InputField, Radio } from '@dhis2/ui'
import { useState } from 'react'
import { ConfirmModal } from '../shared/ConfirmModal'
import { formatDay } from '../shared/language'
import { dateProblemLabel, outcomeLabel } from './labels'
import { outcomeDateProblem, type TracingTask } from './tasks'
import classes from './Tracing.module.css'
import { OUTCOMES, type OutcomeCode } from './tracingProgram'

/**
 * The outcome of one task: one of the five, and its date (today unless the RC says otherwise, never after
 * today). Closing the task changes DHIS2's data, so it is confirmed first.
 */
export function OutcomeForm({
  task,
  today,
  onRecord,
  onCancel,
}: {
  task: TracingTask
  today: string
  onRecord: (outcome: OutcomeCode, date: string) => void
  onCancel: () => void
}) {
  const [outcome, setOutcome] = useState<OutcomeCode | null>(null)
  const [date, setDate] = useState(today)
  const [confirming, setConfirming] = useState(false)
  const problem = outcomeDateProblem(date, today, task.missedOn)
  const name = `relais-outcome-${task.event}`
  return (
    <div className={classes.form}>
      <fieldset className={classes.radios}>
        <legend>{i18n.t('Outcome of the tracing')}</legend>
        {OUTCOMES.map((code) => (
          <Radio
            key={code}
            name={name}
            value={code}
            label={outcomeLabel(code)}
            checked={outcome === code}
            onChange={() => setOutcome(code)}
          />
        ))}
      </fieldset>
      <InputField
        type="date"
        name={`${name}-date`}
        label={i18n.t('Date of the outcome')}
        value={date}
        max={today}
        onChange={({ value }) => setDate(value ?? '')}
        error={problem !== undefined}
        validationText={problem ? dateProblemLabel(problem) : undefined}
      />
      <div className={classes.actions}>
        <Button primary disabled={outcome === null || problem !== undefined} onClick={() => setConfirming(true)}>
          {i18n.t('Save the outcome')}
        </Button>
        <Button secondary onClick={onCancel}>
          {i18n.t('Cancel')}
        </Button>
      </div>
      {confirming && outcome && (
        <ConfirmModal
          title={i18n.t('Close this tracing task?')}
          confirmLabel={i18n.t('Close the task')}
          onConfirm={() => {
            setConfirming(false)
            onRecord(outcome, date)
          }}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {i18n.t('Task {{code}} — {{outcome}}, on {{date}}.', {
              code: task.code ?? '—',
              outcome: outcomeLabel(outcome),
              date: formatDay(date),
              interpolation: { escapeValue: false },
            })}
          </p>
          <p>
            {i18n.t(
              'The task will be closed in DHIS2 with this outcome. Without a connection it is kept on this phone and sent as soon as the connection returns.',
            )}
          </p>
        </ConfirmModal>
      )}
    </div>
  )
}
