// Small pieces shared by the console's views: status tags, a pager, loaders and notices (the confirmation dialog
// is every screen's: shared/ConfirmModal).
import i18n from '@dhis2/d2-i18n'
import { Button, CircularLoader, NoticeBox, Tag, TextAreaField } from '@dhis2/ui'
import { useId, type ReactNode } from 'react'
export { ConfirmModal } from '../../shared/ConfirmModal'
import type { Pager, Source } from '../api/types'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { problemMessage } from '../../shared/bridge/messages'
import type { Tone } from '../logic/status'
import classes from '../Sync.module.css'
import type { Choice } from './controls'

export function StatusTag({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <Tag
      positive={tone === 'positive'}
      negative={tone === 'negative'}
      neutral={tone === 'warning' || tone === 'running'}
      bold={tone === 'running'}
      dataTest={`tone-${tone}`}
      className={classes.tag}
    >
      {children}
    </Tag>
  )
}

export function Loading({ label }: { label: string }) {
  return (
    <div className={classes.centered}>
      <CircularLoader small aria-label={label} />
    </div>
  )
}

/** An error of one call, worded from the bridge's code; Retry asks again. */
export function ProblemNotice({
  problem,
  title,
  onRetry,
}: {
  problem: BridgeProblem
  title?: string
  onRetry?: () => void
}) {
  return (
    <NoticeBox error title={title ?? i18n.t('Something went wrong')}>
      <p>{problemMessage(problem)}</p>
      {problem.issues && problem.issues.length > 0 && (
        <ul className={classes.list}>
          {problem.issues.map((issue) => (
            <li key={`${issue.path}-${issue.message}`}>{issue.message}</li>
          ))}
        </ul>
      )}
      {problem.message && <p className={classes.muted}>{problem.message}</p>}
      {onRetry && (
        <Button small onClick={onRetry}>
          {i18n.t('Try again')}
        </Button>
      )}
    </NoticeBox>
  )
}

export function PagerBar({ pager, onPage }: { pager: Pager; onPage: (page: number) => void }) {
  if (pager.total === 0) return null
  return (
    <nav className={classes.row} aria-label={i18n.t('Pages')}>
      <Button small disabled={pager.page <= 1} onClick={() => onPage(pager.page - 1)}>
        {i18n.t('Previous')}
      </Button>
      <span className={classes.muted}>
        {i18n.t('Page {{page}} of {{pageCount}} ({{total}} in all)', {
          page: pager.page,
          pageCount: Math.max(1, pager.pageCount),
          total: pager.total,
        })}
      </span>
      <Button small disabled={pager.page >= pager.pageCount} onClick={() => onPage(pager.page + 1)}>
        {i18n.t('Next')}
      </Button>
    </nav>
  )
}

/** The reason a person gives for a decision (discard, release, un-complete): kept in the history and the audit. */
export function ReasonField({
  label,
  value,
  onChange,
}: {
  label: string
  value: string
  onChange: (value: string) => void
}) {
  // The name is the textarea's id, its label's target: unique, two reasons can be on screen at once.
  const name = `relais-reason${useId()}`
  return (
    <TextAreaField
      name={name}
      label={label}
      rows={2}
      resize="vertical"
      value={value}
      className={classes.reason}
      // At most 1,000 characters, as the bridge keeps them (the textarea has no maxLength of its own here).
      onChange={({ value: text }) => onChange((text ?? '').slice(0, 1000))}
    />
  )
}

/** The choices of a source filter, each source by name (« all sources » is the filter's empty value). */
export const sourceChoices = (sources: readonly Source[]): Choice[] =>
  sources.map((s) => ({ value: s.name, label: s.name }))
