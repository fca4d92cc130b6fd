// A data manager's decision on a quarantined record: correct its values and release it (the bridge validates it
// again and may still refuse it), or discard it with a reason. Both are confirmed first.
import i18n from '@dhis2/d2-i18n'
import { Button, Checkbox, InputField, NoticeBox } from '@dhis2/ui'
import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { useBridgePost } from '../../shared/bridge/useBridge'
import type { DiscardResult, MappingIssue, RecordDetail, ReleaseResult } from '../api/types'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { correctedRecord, editableFields, fieldsWithIssues, issuesIn, issuesOfField, issueText } from '../logic/issues'
import { uiLanguage } from '../../shared/language'
import classes from '../Sync.module.css'
import { ConfirmModal, ProblemNotice, ReasonField } from './common'
import { overwritesIn } from './OverwriteTable'
import { ReleasePreviewPanel } from './ReleasePreview'
import { useValueNames } from './useValueNames'
import { periodLabel } from './RecordsView'

export type Decision = 'released' | 'discarded'

export function QuarantineDecision({
  detail,
  onDecided,
}: {
  detail: RecordDetail
  onDecided: (decision: Decision) => void
}) {
  const { record } = detail
  const language = uiLanguage()
  const post = useBridgePost()
  const fields = useMemo(() => editableFields(record.raw), [record.raw])
  const [edits, setEdits] = useState<Record<string, string>>({})
  const [reason, setReason] = useState('')
  const [confirm, setConfirm] = useState<'release' | 'discard' | null>(null)
  const [busy, setBusy] = useState(false)
  const [refused, setRefused] = useState<MappingIssue[] | null>(null)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)

  // What is wrong now: the bridge's answer to the last correction, else the reasons it went to quarantine.
  const issues = refused ?? issuesIn(record.lastError)
  const flagged = fieldsWithIssues(issues)
  const corrected = correctedRecord(record.raw, edits)
  const changed = (fields ?? []).filter(({ field, value }) => field in edits && edits[field] !== value)
  const base = `quarantine/${encodeURIComponent(record.id)}`
  // An overwrite: releasing replaces what a person entered in DHIS2 with the source's values (said plainly).
  const overwrite = record.reason === 'overwrite'
  // Into a closed period: a decision against the data set's rules, so it names the month and the RC and asks why.
  const late = record.reason === 'late'
  const [lateNote, setLateNote] = useState('')
  // An overwrite, decided value by value: the values whose DHIS2 value the person keeps.
  const overwriteRows = useMemo(() => (overwrite ? overwritesIn(detail.history) : []), [overwrite, detail.history])
  const [keep, setKeep] = useState<ReadonlySet<number>>(new Set())
  const valueName = useValueNames(overwriteRows)

  const release = async () => {
    setBusy(true)
    setProblem(null)
    const result = await post<ReleaseResult>(`${base}/release`, {
      ...(corrected ? { corrected } : {}),
      ...(late ? { note: lateNote.trim() } : {}),
      ...(keep.size > 0
        ? {
            keep: overwriteRows
              .filter((_, i) => keep.has(i))
              .map((r) => ({ dataElement: r.dataElement, categoryOptionCombo: r.categoryOptionCombo })),
          }
        : {}),
    })
    setBusy(false)
    setConfirm(null)
    if (!result.ok) return setProblem(result.problem)
    if (result.data.status === 'mapped') return onDecided('released')
    // Still invalid: the record stays in quarantine; say why, next to the fields.
    const errors = issuesIn(result.data.errors ?? [])
    setRefused(
      errors.length > 0 ? errors : [{ code: 'STILL_INVALID', message: i18n.t('The record is still invalid.') }],
    )
  }

  const discard = async () => {
    setBusy(true)
    setProblem(null)
    const result = await post<DiscardResult>(`${base}/discard`, { reason: reason.trim() })
    setBusy(false)
    setConfirm(null)
    if (!result.ok) return setProblem(result.problem)
    onDecided('discarded')
  }

  return (
    <section className={classes.panel} aria-labelledby="relais-decision">
      <h3 id="relais-decision" className={classes.subtitle}>
        {i18n.t('Decide on this record')}
      </h3>
      {refused && (
        <NoticeBox error title={i18n.t('The corrected record is still refused')}>
          <ul className={classes.list}>
            {refused.map((issue, i) => (
              <li key={i}>{issueText(issue, language)}</li>
            ))}
          </ul>
        </NoticeBox>
      )}
      {fields && fields.length > 0 ? (
        <>
          <p className={classes.muted}>
            {i18n.t('Correct the values if needed; the bridge checks the record again before sending it to DHIS2.')}
          </p>
          <div className={classes.fieldGrid}>
            {/* The fields in error first: on a phone the one to correct is not 30 fields down. */}
            {[...fields]
              .sort((a, b) => Number(flagged.has(b.field)) - Number(flagged.has(a.field)))
              .map(({ field, value }) => {
                const fieldIssues = issuesOfField(issues, field)
                return (
                  <CorrectionField
                    key={field}
                    field={field}
                    value={edits[field] ?? value}
                    invalid={flagged.has(field)}
                    messages={fieldIssues.map((issue) => issueText(issue, language))}
                    onChange={(text) => setEdits((e) => ({ ...e, [field]: text }))}
                  />
                )
              })}
          </div>
        </>
      ) : (
        <p className={classes.muted}>{i18n.t('This record has no fields that can be corrected here.')}</p>
      )}
      {overwriteRows.length > 0 && (
        <fieldset className={classes.panel}>
          <legend>{i18n.t('Value by value, tick the values of DHIS2 to keep')}</legend>
          {overwriteRows.map((row, i) => (
            <Checkbox
              key={i}
              className={classes.check}
              checked={keep.has(i)}
              label={i18n.t('Keep {{element}} = {{dhis2}} (the source brings {{incoming}})', {
                element: valueName(row),
                dhis2: row.dhis2.value,
                incoming: row.incoming ?? i18n.t('(deleted)'),
                interpolation: { escapeValue: false },
              })}
              onChange={() =>
                setKeep((k) => {
                  const next = new Set(k)
                  if (next.has(i)) next.delete(i)
                  else next.add(i)
                  return next
                })
              }
            />
          ))}
        </fieldset>
      )}
      <div className={classes.row}>
        <Button primary onClick={() => setConfirm('release')} disabled={busy}>
          {corrected
            ? i18n.t('Release with the corrections')
            : overwrite
              ? keep.size > 0
                ? i18n.t("Release, keeping {{number}} of DHIS2's values", { number: keep.size })
                : i18n.t("Take the source's values")
              : i18n.t('Release as it is')}
        </Button>
      </div>
      <ReasonField
        label={
          overwrite
            ? i18n.t("Reason for keeping DHIS2's values (the record is discarded)")
            : i18n.t('Reason for discarding')
        }
        value={reason}
        onChange={setReason}
      />
      <div className={classes.row}>
        <Button destructive onClick={() => setConfirm('discard')} disabled={busy || reason.trim() === ''}>
          {i18n.t('Discard the record')}
        </Button>
      </div>
      {problem && <ProblemNotice problem={problem} title={i18n.t('The decision was not recorded')} />}
      {confirm === 'release' && (
        <ConfirmModal
          title={late ? i18n.t('Release into a closed period?') : i18n.t('Release this record?')}
          confirmLabel={i18n.t('Release')}
          busy={busy}
          confirmDisabled={late && lateNote.trim() === ''}
          onConfirm={() => void release()}
          onCancel={() => setConfirm(null)}
        >
          {late && (
            <p>
              {i18n.t(
                '{{period}} is closed for {{rc}}. DHIS2 no longer takes entries for it. Releasing writes this report into it anyway, with your name and your reason.',
                {
                  period: periodLabel(record.period),
                  rc: record.rcCode ?? record.sourceKey,
                  interpolation: { escapeValue: false },
                },
              )}
            </p>
          )}
          {changed.length > 0 ? (
            <>
              <p>{i18n.t('These values will be sent instead of the original ones.')}</p>
              <ul className={classes.list}>
                {changed.map(({ field, value }) => (
                  <li key={field}>
                    {i18n.t('{{field}} becomes {{value}} (was {{previous}})', {
                      field,
                      value: edits[field],
                      previous: value,
                      // React escapes the text; i18next's own HTML escaping would show &#39; for an apostrophe
                      interpolation: { escapeValue: false },
                    })}
                  </li>
                ))}
              </ul>
            </>
          ) : overwrite && keep.size > 0 ? (
            <p>
              {i18n.t(
                "The values you ticked stay as DHIS2 holds them, the others are replaced by the source's. This is recorded with your name.",
              )}
            </p>
          ) : overwrite ? (
            <p>
              {i18n.t(
                "The values a person entered in DHIS2 (above) will be replaced by the source's. This is recorded with your name.",
              )}
            </p>
          ) : (
            <p>{i18n.t('The record is checked again as it is and sent to DHIS2 if it is valid.')}</p>
          )}
          {/* An overwrite lists its values above; any other release says here what it would write. */}
          {!overwrite && <ReleasePreviewPanel recordId={record.id} corrected={corrected} />}
          {late && (
            <>
              <p>
                {i18n.t(
                  'Values entered by people stay protected. If this report would replace any, it comes back to quarantine for your decision.',
                )}
              </p>
              <ReasonField label={i18n.t('Why it must go in (required)')} value={lateNote} onChange={setLateNote} />
            </>
          )}
        </ConfirmModal>
      )}
      {confirm === 'discard' && (
        <ConfirmModal
          title={i18n.t('Discard this record?')}
          confirmLabel={i18n.t('Discard')}
          destructive
          busy={busy}
          onConfirm={() => void discard()}
          onCancel={() => setConfirm(null)}
        >
          <p>{i18n.t('It will never be sent to DHIS2. The reason is kept in its history.')}</p>
          <p className={classes.muted}>{reason.trim()}</p>
        </ConfirmModal>
      )}
    </section>
  )
}

/**
 * One value of the record, to correct: its name is its label. @dhis2/ui's input takes no ARIA attributes, so the
 * state a screen reader needs — invalid, and why — is set on it here, the messages below it being its description.
 */
function CorrectionField({
  field,
  value,
  invalid,
  messages,
  onChange,
}: {
  field: string
  value: string
  invalid: boolean
  messages: string[]
  onChange: (value: string) => void
}) {
  const id = useId()
  const box = useRef<HTMLDivElement>(null)
  const described = messages.length > 0
  useEffect(() => {
    const input = box.current?.querySelector('input')
    if (!input) return
    if (invalid) input.setAttribute('aria-invalid', 'true')
    else input.removeAttribute('aria-invalid')
    if (described) input.setAttribute('aria-describedby', `${id}-why`)
    else input.removeAttribute('aria-describedby')
  }, [id, invalid, described])
  return (
    <div ref={box}>
      <InputField
        // the input's id, its label's target: unique even when a field is named like something else on the page
        name={`relais-field${id}`}
        label={field}
        value={value}
        error={invalid}
        onChange={({ value: text }) => onChange(text ?? '')}
      />
      {described && (
        <div id={`${id}-why`}>
          {messages.map((message, i) => (
            <p key={i} className={classes.error}>
              {message}
            </p>
          ))}
        </div>
      )}
    </div>
  )
}
