import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import { useState } from 'react'
import type { SaveState } from '../../offline/types'
import { formatDay, uiLanguage } from '../../shared/language'
import type { MetadataIndex } from '../../shared/mappings'
import type { DataSetMeta } from '../metadata/types'
import classes from '../Saisie.module.css'
import { checkRules, type RuleViolation } from '../validation/ruleCheck'
import type { ReportTarget } from './registration'
import { useCompletion } from './useCompletion'

interface Props {
  target: ReportTarget
  index: MetadataIndex
  dataSet: DataSetMeta
  values: ReadonlyMap<string, string>
  invalidCells: number
  /** Values of the report DHIS2 refused: the report is not complete while they are not in. */
  refusedCells: number
  readOnly: boolean
  /** "RC-AQ-00001 — septembre 2026", for the waiting queue. */
  label: string
  /** DHIS2's clock now: the completion date of a report completed offline. */
  actedAt: () => string
}

type Blocker = { kind: 'rules'; violations: RuleViolation[] } | { kind: 'invalid' } | { kind: 'refused' }

/** Completion state and the complete / un-complete actions, checked against the validation rules. */
/**
 * Completion state and the complete / un-complete actions, checked against the validation rules. Both are
 * queued after the values typed before them: with no network the report reads « en attente d'envoi » and
 * goes out with its values when the connection returns.
 */
export function CompletionBar(props: Props) {
  const { target, index, dataSet, values, invalidCells, refusedCells, readOnly, label, actedAt } = props
  const { loading, registration, pending, settling, completed, state, failure, setCompleted } = useCompletion(
    target,
    label,
    actedAt,
  )
  const [blocker, setBlocker] = useState<Blocker | null>(null)

  const complete = async () => {
    if (invalidCells > 0) return setBlocker({ kind: 'invalid' })
    if (refusedCells > 0) return setBlocker({ kind: 'refused' })
    const violations = checkRules(index, dataSet, values, uiLanguage())
    if (violations.length > 0) return setBlocker({ kind: 'rules', violations })
    setBlocker(null)
    await setCompleted(true)
  }
  const firstDate = registration?.date ?? (pending?.completed ? pending.actedAt : undefined)

  return (
    <section className={classes.completion} aria-labelledby="relais-completion">
      <h3 id="relais-completion" className={classes.completionTitle}>
        {i18n.t('Report status')}
      </h3>
      <p data-test="relais-completion-status" data-status={pending ? state?.status : settling ? 'settling' : undefined}>
        {loading
          ? i18n.t('Loading…')
          : completed && firstDate
            ? i18n.t('Completed on {{date}}', { date: formatDay(firstDate.slice(0, 10)) })
            : registration
              ? i18n.t('Not completed (first completed on {{date}}; that date is kept)', {
                  date: formatDay(registration.date.slice(0, 10)),
                })
              : i18n.t('Not completed')}
        {pending && <PendingNote state={state} />}
      </p>
      {!readOnly && !loading && (
        <div className={classes.actions}>
          {completed ? (
            <Button secondary onClick={() => void setCompleted(false)}>
              {i18n.t('Un-complete the report')}
            </Button>
          ) : (
            <Button primary onClick={() => void complete()}>
              {i18n.t('Complete the report')}
            </Button>
          )}
        </div>
      )}
      {blocker && !completed && <BlockerNotice blocker={blocker} />}
      {failure && !pending && (
        <NoticeBox error title={i18n.t('DHIS2 did not record the change')}>
          {failure}
        </NoticeBox>
      )}
    </section>
  )
}

/** Why a completion is not in DHIS2 yet, and what will happen. */
function PendingNote({ state }: { state: SaveState | undefined }) {
  const text =
    state?.status === 'waiting' && state.reason === 'session-expired'
      ? i18n.t('waiting, it will be sent once you sign in again')
      : state?.status === 'waiting'
        ? i18n.t('waiting for the network, it will be sent with your values when the connection returns')
        : i18n.t('being sent to DHIS2…')
  return <span className={classes.completionPending}> — {text}</span>
}

function BlockerNotice({ blocker }: { blocker: Blocker }) {
  if (blocker.kind === 'invalid') {
    return (
      <NoticeBox error title={i18n.t('The report cannot be completed yet')}>
        {i18n.t('Correct the values marked in red first.')}
      </NoticeBox>
    )
  }
  if (blocker.kind === 'refused') {
    return (
      <NoticeBox error title={i18n.t('The report cannot be completed yet')}>
        {i18n.t('DHIS2 refused some values (marked « Not saved »). Correct them first.')}
      </NoticeBox>
    )
  }
  return (
    <NoticeBox error title={i18n.t('The report breaks validation rules')}>
      <ul className={classes.violations}>
        {blocker.violations.map((v) => (
          <li key={v.rule}>{v.message}</li>
        ))}
      </ul>
    </NoticeBox>
  )
}
