import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import type { BridgeProblem } from '../shared/bridge/bridgeProblem'
import { problemMessage } from '../shared/bridge/messages'
import type { SecurityFinding } from '../shared/bridge/security'
import { findingSentence, findingTitle, severityLabel } from './findingText'
import classes from './Security.module.css'
import layout from '../shared/PageLayout.module.css'

export function FindingList({ findings, label }: { findings: readonly SecurityFinding[]; label: string }) {
  return (
    <ul className={classes.findings} aria-label={label}>
      {findings.map((f) => (
        <li key={f.key} className={`${classes.finding} ${classes[f.severity] ?? ''}`}>
          <strong>{findingTitle(f.code)}</strong> · {severityLabel(f.severity)}
          <br />
          {findingSentence(f)}
        </li>
      ))}
    </ul>
  )
}

/** A bridge problem in words (the bridge unreachable, the route missing…), with the bridge's issues when any. */
export function BridgeProblemNotice({ problem, title }: { problem: BridgeProblem; title: string }) {
  return (
    <NoticeBox error title={title}>
      {problemMessage(problem)}
      {problem.message && problem.kind === 'bridge-error' && <p className={layout.muted}>{problem.message}</p>}
    </NoticeBox>
  )
}

export const isNotFound = (problem: BridgeProblem | undefined) =>
  problem?.kind === 'bridge-error' && (problem.code === 'not-found' || problem.status === 404)

export const noReportYet = () => i18n.t('No security check has run yet.')

export { TableScroll } from '../shared/HeadedTable'
