// What releasing a quarantined record would write in DHIS2, read when the person opens the confirmation (issue 13
// §2): how many values are new, which replace a value, and whose. A late record was quarantined before any of its
// values was read, so this is where the values an entry into a closed period would replace show, before the
// decision. The bridge reads only: nothing is written until « Libérer ».
import i18n from '@dhis2/d2-i18n'
import { useCallback, useEffect, useState } from 'react'
import type { ReleasePreview } from '../api/types'
import { useBridgePost } from '../../shared/bridge/useBridge'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { formatDateTime } from '../logic/format'
import { uiLanguage } from '../../shared/language'
import classes from '../Sync.module.css'
import { Loading, ProblemNotice } from './common'
import { ColumnTable } from './controls'
import { useValueNames } from './useValueNames'

type Line = ReleasePreview['lines'][number]

const kindLabel = (kind: Line['kind']) =>
  ({
    new: i18n.t('New'),
    changed: i18n.t('Changed'),
    overwrite: i18n.t('Entered by a person'),
    refused: i18n.t('Refused by DHIS2'),
  })[kind]

/** The bridge's preview of a release, asked again whenever the correction changes. */
function usePreview(recordId: string, corrected: Record<string, unknown> | undefined) {
  const post = useBridgePost()
  const [state, setState] = useState<{ preview?: ReleasePreview; problem?: BridgeProblem }>({})
  const [round, setRound] = useState(0)
  // The correction as text: a new object with the same values is the same question.
  const body = JSON.stringify(corrected ?? null)
  useEffect(() => {
    let current = true
    setState({})
    const typed = JSON.parse(body) as Record<string, unknown> | null
    void post<ReleasePreview>(
      `quarantine/${encodeURIComponent(recordId)}/preview`,
      typed ? { corrected: typed } : {},
    ).then((result) => {
      if (current) setState(result.ok ? { preview: result.data } : { problem: result.problem })
    })
    return () => {
      current = false
    }
  }, [post, recordId, body, round])
  const retry = useCallback(() => setRound((r) => r + 1), [])
  return { ...state, retry }
}

export function ReleasePreviewPanel({
  recordId,
  corrected,
}: {
  recordId: string
  corrected?: Record<string, unknown>
}) {
  const { preview, problem, retry } = usePreview(recordId, corrected)
  // New values are counted, not listed: the ones that replace something are the decision.
  const lines = (preview?.lines ?? []).filter((l) => l.kind !== 'new')
  const name = useValueNames(lines)
  const language = uiLanguage()
  if (problem)
    return (
      <ProblemNotice problem={problem} title={i18n.t('Could not read what the release would change')} onRetry={retry} />
    )
  if (!preview) return <Loading label={i18n.t('Reading what DHIS2 holds for this report')} />
  if (preview.errors && preview.errors.length > 0)
    return <p>{i18n.t('The bridge would still refuse this record, nothing would be sent to DHIS2.')}</p>
  const { counts } = preview
  if (counts.new + counts.changed + counts.overwrite === 0)
    return <p>{i18n.t('DHIS2 already holds these values, the release would change nothing in it.')}</p>
  return (
    <div>
      <ul className={classes.list} aria-label={i18n.t('What the release would write in DHIS2')}>
        {counts.new > 0 && <li>{i18n.t('{{count}} new values', { count: counts.new })}</li>}
        {counts.changed > 0 && <li>{i18n.t('{{count}} values changed', { count: counts.changed })}</li>}
        {counts.same > 0 && <li>{i18n.t('{{count}} values already in DHIS2', { count: counts.same })}</li>}
        {counts.overwrite > 0 && (
          <li>
            <strong>
              {i18n.t(
                '{{number}} values entered by a person would be replaced. The record comes back to quarantine so that you decide value by value',
                { number: counts.overwrite },
              )}
            </strong>
          </li>
        )}
      </ul>
      {lines.length > 0 && (
        <ColumnTable
          label={i18n.t('Values the release would replace')}
          rows={lines}
          columns={[
            { header: i18n.t('What'), cell: (line) => kindLabel(line.kind) },
            { header: i18n.t('Data element'), cell: name, wrap: true },
            { header: i18n.t('In DHIS2'), cell: (line) => line.before ?? '—' },
            { header: i18n.t('Entered by'), cell: (line) => line.storedBy ?? '—' },
            {
              header: i18n.t('On'),
              cell: (line) => (line.lastUpdated ? formatDateTime(line.lastUpdated, language) : '—'),
            },
            { header: i18n.t('After the release'), cell: (line) => line.after ?? i18n.t('(deleted)') },
          ]}
        />
      )}
    </div>
  )
}
