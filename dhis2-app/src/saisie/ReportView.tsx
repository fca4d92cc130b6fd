import i18n from '@dhis2/d2-i18n'
import { CircularLoader } from '@dhis2/ui'
import { useEffect, useMemo, useState } from 'react'
import { supersededReason } from '../offline/freshness'
import { useValueQueue } from '../offline/ValueQueueProvider'
import { serverNow } from '../shared/serverTime'
import type { CurrentUser } from '../shared/currentUser'
import { uiLanguage } from '../shared/language'
import { periodName, type MetadataIndex } from '../shared/mappings'
import { CompletionBar } from './completion/CompletionBar'
import type { ReportValues } from './data/reportValues'
import { useReportValues } from './data/useReportValues'
import { withQueued } from './data/withQueued'
import { EntryForm } from './form/EntryForm'
import { useEntryForm } from './form/useEntryForm'
import type { EntryMetadata } from './metadata/types'
import type { OrgUnitNode } from '../shared/orgunits/types'
import { ClosedPeriodNotice } from './periods/ClosedPeriodNotice'
import type { PeriodChoice } from './periods/periodChoices'
import classes from './Saisie.module.css'
import { createCellCheck, createEntryIndex } from './validation/entryValidator'
import { emptyRequired, requiredCells } from './validation/compulsory'
import { checkRules, ruleWarnings } from './validation/ruleCheck'
import { cellInputId, cellLabels } from './form/cellLabels'
import { LoadError } from '../shared/LoadError'

interface Props {
  metadata: EntryMetadata
  user: CurrentUser
  orgUnit: OrgUnitNode
  choice: PeriodChoice
}

/** The input of a box by its cell key (« de.coc »). */
const inputIdOf = (key: string) => {
  const [dataElement = '', optionCombo = ''] = key.split('.')
  return cellInputId(dataElement, optionCombo)
}

const requiredMessage = () => i18n.t('This box must be filled to complete the report.')

/** One RC's report for one month: loads its values, then shows the form and the completion bar. */
export function ReportView({ metadata, user, orgUnit, choice }: Props) {
  const { loading, error, report, refetch } = useReportValues(metadata.dataSet.id, orgUnit.id, choice.period)
  const { loaded } = useValueQueue()
  const index = useMemo(() => createEntryIndex(metadata, orgUnit), [metadata, orgUnit])
  if (error) return <LoadError title={i18n.t('Could not load the report')} error={error} retry={refetch} />
  if (loading || !report || !loaded) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the report')} />
      </div>
    )
  }
  return (
    <LoadedReport metadata={metadata} user={user} orgUnit={orgUnit} choice={choice} report={report} index={index} />
  )
}

function LoadedReport({
  metadata,
  user,
  orgUnit,
  choice,
  report,
  index,
}: Props & { report: ReportValues; index: MetadataIndex }) {
  const check = useMemo(
    () => createCellCheck(index, metadata.dataSet.id, orgUnit.id, user),
    [index, metadata, orgUnit.id, user],
  )
  const queue = useValueQueue()
  // Read once, when the report opens: the boxes start from the newest of DHIS2's values and this device's
  // queue (the form is remounted when the RC or the month changes).
  const [overlay] = useState(() =>
    withQueued(report, [...queue.pending, ...queue.refused], orgUnit.id, choice.period.id),
  )
  const { discard } = queue
  useEffect(() => {
    for (const stale of overlay.stale) void discard(stale.item.key, supersededReason(stale.dhis2))
  }, [overlay, discard])
  const form = useEntryForm({ metadata, check, orgUnitId: orgUnit.id, period: choice.period, initial: overlay.values })
  const actedAt = useMemo(() => () => serverNow(metadata.serverDate, metadata.readAt), [metadata])
  const readOnly = !choice.open
  const periodLabel = periodName(choice.period, uiLanguage())
  const target = useMemo(
    () => ({ dataSet: metadata.dataSet.id, period: choice.period.id, organisationUnit: orgUnit.id }),
    [metadata.dataSet.id, choice.period.id, orgUnit.id],
  )
  const labels = useMemo(() => cellLabels(metadata.dataSet), [metadata.dataSet])
  const violations = useMemo(
    () => checkRules(index, metadata.dataSet, form.values, uiLanguage()),
    [index, metadata.dataSet, form.values],
  )
  const required = useMemo(() => requiredCells(metadata.dataSet), [metadata.dataSet])
  const empty = useMemo(
    () => new Set(emptyRequired(metadata.dataSet, form.values, [...labels.keys()])),
    [metadata.dataSet, form.values, labels],
  )
  // DHIS2 refuses the completion only when the data set says so; otherwise it completes and the RC is told.
  const requiredBlocks = metadata.dataSet.compulsoryFieldsCompleteOnly === true
  // Once the RC tried to complete, every broken rule shows on its boxes, typed on both sides or not, and every
  // empty required box says so.
  const [attempted, setAttempted] = useState(false)
  const boxWarnings = useMemo(() => {
    const warnings = ruleWarnings(attempted ? violations.map((v) => ({ ...v, typed: true })) : violations, form.values)
    if (attempted) for (const key of empty) if (!warnings.has(key)) warnings.set(key, requiredMessage())
    return warnings
  }, [violations, form.values, attempted, empty])
  // The boxes to correct, in the form's order, by name.
  const invalid = useMemo(
    () =>
      [...labels]
        .filter(([key]) => form.errors.has(key) || (requiredBlocks && empty.has(key)))
        .map(([key, label]) => ({ id: inputIdOf(key), label, message: form.errors.get(key) ?? requiredMessage() })),
    [labels, form.errors, requiredBlocks, empty],
  )
  const emptyBoxes = useMemo(
    () =>
      requiredBlocks
        ? []
        : [...labels]
            .filter(([key]) => empty.has(key))
            .map(([key, label]) => ({ id: inputIdOf(key), label, message: requiredMessage() })),
    [labels, requiredBlocks, empty],
  )
  const context = useMemo(
    () => ({
      form,
      readOnly,
      history: report.history,
      ranges: report.ranges,
      required,
      periodLabel,
      ruleWarnings: boxWarnings,
    }),
    [form, readOnly, report.history, report.ranges, required, periodLabel, boxWarnings],
  )
  return (
    <>
      <h2 className={classes.reportTitle}>
        {orgUnit.displayName}
        {orgUnit.code ? ` (${orgUnit.code})` : ''} — {periodLabel}
      </h2>
      {!choice.open && <ClosedPeriodNotice closedSince={choice.closedSince} expiryDays={metadata.dataSet.expiryDays} />}
      <EntryForm dataSet={metadata.dataSet} context={context} />
      <CompletionBar
        target={target}
        invalid={invalid}
        emptyRequired={emptyBoxes}
        violations={violations}
        boxOf={inputIdOf}
        onAttempt={() => setAttempted(true)}
        refusedCells={form.refused}
        readOnly={readOnly}
        label={`${orgUnit.code ?? orgUnit.displayName} — ${periodLabel}`}
        actedAt={actedAt}
      />
    </>
  )
}
