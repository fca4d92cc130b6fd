import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import { useState } from 'react'
import type { SaveState } from '../../offline/types'
import { formatDay } from '../../shared/language'
import { focusCell } from '../form/cellLabels'
import classes from '../Saisie.module.css'
import type { RuleViolation } from '../validation/ruleCheck'
import type { ReportTarget } from '../../shared/dhis2/registrations'
import { useCompletion } from './useCompletion'

/** A box whose value DHIS2 would refuse: its input's id, its name and why. */
export interface InvalidBox {
  id: string
  label: string
  message: string
}

interface Props {
  target: ReportTarget
  /** The boxes to correct, in the form's order. */
  invalid: readonly InvalidBox[]
  /** Compulsory boxes left empty that do not block completion (the data set lets DHIS2 complete anyway). */
  emptyRequired: readonly InvalidBox[]
  /** The report's broken validation rules (ruleCheck.ts). */
  violations: readonly RuleViolation[]
  /** The input id of a box, by cell key. */
  boxOf: (cell: string) => string
  /** The RC tried to complete: the boxes show every broken rule from now on. */
  onAttempt: () => void
  /** Values of the report DHIS2 refused: the report is not complete while they are not in. */
  refusedCells: number
  readOnly: boolean
  /** "RC-AQ-00001 — septembre 2026", for the waiting queue. */
  label: string
  /** DHIS2's clock now: the completion date of a report completed offline. */
  actedAt: () => string
}

type Blocker =
  | { kind: 'rules'; violations: readonly RuleViolation[] }
  | { kind: 'invalid'; boxes: readonly InvalidBox[] }
  | { kind: 'refused' }

/**
 * Completion state and the complete / un-complete actions, checked against the validation rules. Both are
 * queued after the values typed before them: with no network the report reads « en attente d'envoi » and
 * goes out with its values when the connection returns.
 */
export function CompletionBar(props: Props) {
  const { target, invalid, emptyRequired, violations, boxOf, onAttempt, refusedCells, readOnly, label, actedAt } = props
  const { loading, registration, pending, settling, completed, state, failure, setCompleted } = useCompletion(
    target,
    label,
    actedAt,
  )
  // Once the RC tried to complete, what blocks is said — and follows the corrections: it goes when they are done.
  const [tried, setTried] = useState(false)
  const blocker: Blocker | null = !tried
    ? null
    : invalid.length > 0
      ? { kind: 'invalid', boxes: invalid }
      : refusedCells > 0
        ? { kind: 'refused' }
        : violations.length > 0
          ? { kind: 'rules', violations }
          : null

  // What blocks is said where the RC looks: the first box to correct is scrolled to and focused (the notice
  // below the form was off a phone's screen, and « Compléter » seemed to do nothing).
  const complete = async () => {
    onAttempt()
    setTried(true)
    if (invalid.length > 0) return focusCell(invalid[0]!.id)
    if (refusedCells > 0) return
    if (violations.length > 0) {
      const first = violations[0]?.cells[0]
      return first ? focusCell(boxOf(first)) : undefined
    }
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
      {tried && !blocker && emptyRequired.length > 0 && (
        <NoticeBox warning title={i18n.t('Required boxes are still empty')}>
          <BoxList boxes={emptyRequired} />
        </NoticeBox>
      )}
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
        <p>{i18n.t('Correct these boxes first.')}</p>
        <BoxList boxes={blocker.boxes} />
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

/** Boxes by name, each taking the RC to it, with what is wrong. */
function BoxList({ boxes }: { boxes: readonly InvalidBox[] }) {
  return (
    <ul className={classes.violations}>
      {boxes.map((box) => (
        <li key={box.id}>
          <Button small secondary onClick={() => focusCell(box.id)}>
            {box.label}
          </Button>
          {' — '}
          {box.message}
        </li>
      ))}
    </ul>
  )
}
