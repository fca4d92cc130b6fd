// A report its source retracted (a Kobo hard delete): DHIS2 keeps its values and its completion until a data
// manager decides (issue 13 §1). Un-completing keeps the first completion date; the reason goes in the record's
// history and the audit.
import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import { useState } from 'react'
import type { RecordDetail } from '../api/types'
import { useBridgePost } from '../../shared/bridge/useBridge'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import classes from '../Sync.module.css'
import { ConfirmModal, ProblemNotice, ReasonField } from './common'

export const DELETED_AT_SOURCE = 'deleted-at-source'
export const UNCOMPLETED_BY_PERSON = 'uncompleted-in-dhis2'

export function RetractedReport(props: { detail: RecordDetail; canAct: boolean; onDone: () => void }) {
  const { detail, canAct, onDone } = props
  const post = useBridgePost()
  const [reason, setReason] = useState('')
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)
  const [outcome, setOutcome] = useState<'uncompleted' | 'not-complete' | null>(null)
  if (!detail.history.some((e) => e.reason === DELETED_AT_SOURCE)) return null
  const decided = detail.history.some((e) => e.reason === UNCOMPLETED_BY_PERSON)

  const uncomplete = async () => {
    setBusy(true)
    setProblem(null)
    const result = await post<{ status: 'uncompleted' | 'not-complete' }>(
      `records/${encodeURIComponent(detail.record.id)}/uncomplete`,
      { reason: reason.trim() },
    )
    setBusy(false)
    setConfirming(false)
    if (!result.ok) return setProblem(result.problem)
    setOutcome(result.data.status)
    onDone()
  }

  return (
    <NoticeBox warning title={i18n.t('The source deleted this report')}>
      <p>
        {i18n.t(
          'DHIS2 keeps the values it received from it, and its completion. Un-complete the report if it should no longer count.',
        )}
      </p>
      {outcome === 'uncompleted' && (
        <p>{i18n.t('The report is no longer complete in DHIS2; its first date is kept.')}</p>
      )}
      {outcome === 'not-complete' && <p>{i18n.t('DHIS2 held no completion of this report, nothing to change.')}</p>}
      {canAct && !decided && !outcome && (
        <>
          <ReasonField label={i18n.t('Reason for un-completing (required)')} value={reason} onChange={setReason} />
          <Button small disabled={reason.trim() === '' || busy} onClick={() => setConfirming(true)}>
            {i18n.t('Un-complete the report in DHIS2')}
          </Button>
        </>
      )}
      {problem && <ProblemNotice problem={problem} title={i18n.t('The decision was not recorded')} />}
      {confirming && (
        <ConfirmModal
          title={i18n.t('Un-complete this report in DHIS2?')}
          confirmLabel={i18n.t('Un-complete')}
          busy={busy}
          onConfirm={() => void uncomplete()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {i18n.t(
              'The report of {{rc}} no longer counts as complete; its values stay in DHIS2. This is recorded with your name and reason.',
              { rc: detail.record.rcCode ?? detail.record.sourceKey, interpolation: { escapeValue: false } },
            )}
          </p>
          <p className={classes.muted}>{reason.trim()}</p>
        </ConfirmModal>
      )}
    </NoticeBox>
  )
}
