import i18n from '@dhis2/d2-i18n'
import { NoticeBox } from '@dhis2/ui'
import type { BridgeProblem } from '../shared/bridge/bridgeProblem'
import { problemMessage } from '../shared/bridge/messages'
import { summariseOutcomes, type PersonOutcome } from './securityModel'

/** What a bulk action did in DHIS2, person by person, and whether the bridge's audit log has it. */
export function ActionOutcome({
  title,
  outcomes,
  auditProblem,
}: {
  title: string
  outcomes: readonly PersonOutcome[]
  auditProblem: BridgeProblem | null
}) {
  const { done, failed, failures } = summariseOutcomes(outcomes)
  return (
    <NoticeBox error={failed > 0 && done === 0} warning={failed > 0 && done > 0} valid={failed === 0} title={title}>
      <p>
        {i18n.t('Done for {{done}} of {{total}}.', {
          interpolation: { escapeValue: false },
          done,
          total: outcomes.length,
        })}
      </p>
      {failures.length > 0 && (
        <>
          <p>{i18n.t('DHIS2 refused it for these people')}</p>
          <ul>
            {failures.map((f) => (
              <li key={f.id}>
                {f.name}: {f.message}
                {f.status ? ` (${f.status})` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {auditProblem ? (
        <p>
          {i18n.t('The bridge could not record it in its audit log.')} {problemMessage(auditProblem)}
        </p>
      ) : (
        <p>{i18n.t("Recorded in the bridge's audit log.")}</p>
      )}
    </NoticeBox>
  )
}
