import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import { useState } from 'react'
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
  unsent: number
  readOnly: boolean
}

type Blocker = { kind: 'rules'; violations: RuleViolation[] } | { kind: 'invalid' } | { kind: 'unsent' }

/** Completion state and the complete / un-complete actions, checked against the validation rules. */
export function CompletionBar({ target, index, dataSet, values, invalidCells, unsent, readOnly }: Props) {
  const { loading, registration, busy, actionError, setCompleted } = useCompletion(target)
  const [blocker, setBlocker] = useState<Blocker | null>(null)
  const completed = registration?.completed === true

  const complete = async () => {
    if (invalidCells > 0) return setBlocker({ kind: 'invalid' })
    if (unsent > 0) return setBlocker({ kind: 'unsent' })
    const violations = checkRules(index, dataSet, values, uiLanguage())
    if (violations.length > 0) return setBlocker({ kind: 'rules', violations })
    setBlocker(null)
    await setCompleted(true)
  }

  return (
    <section className={classes.completion} aria-labelledby="relais-completion">
      <h3 id="relais-completion" className={classes.completionTitle}>
        {i18n.t('Report status')}
      </h3>
      <p data-test="relais-completion-status">
        {loading
          ? i18n.t('Loading…')
          : completed && registration
            ? i18n.t('Completed on {{date}}', { date: formatDay(registration.date.slice(0, 10)) })
            : registration
              ? i18n.t('Not completed (first completed on {{date}}; that date is kept)', {
                  date: formatDay(registration.date.slice(0, 10)),
                })
              : i18n.t('Not completed')}
      </p>
      {!readOnly && !loading && (
        <div className={classes.actions}>
          {completed ? (
            <Button secondary loading={busy} disabled={busy} onClick={() => void setCompleted(false)}>
              {i18n.t('Un-complete the report')}
            </Button>
          ) : (
            <Button primary loading={busy} disabled={busy} onClick={() => void complete()}>
              {i18n.t('Complete the report')}
            </Button>
          )}
        </div>
      )}
      {blocker && !completed && <BlockerNotice blocker={blocker} />}
      {actionError && (
        <NoticeBox error title={i18n.t('DHIS2 did not record the change')}>
          {actionError}
        </NoticeBox>
      )}
    </section>
  )
}

function BlockerNotice({ blocker }: { blocker: Blocker }) {
  if (blocker.kind === 'invalid') {
    return (
      <NoticeBox error title={i18n.t('The report cannot be completed yet')}>
        {i18n.t('Correct the values marked in red first.')}
      </NoticeBox>
    )
  }
  if (blocker.kind === 'unsent') {
    return (
      <NoticeBox warning title={i18n.t('The report cannot be completed yet')}>
        {i18n.t('Some values are still waiting to be sent to DHIS2. Complete the report once they are saved.')}
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
