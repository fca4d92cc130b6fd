import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox } from '@dhis2/ui'
import { useMemo } from 'react'
import type { CurrentUser } from '../shared/currentUser'
import { uiLanguage } from '../shared/language'
import { periodName, type MetadataIndex } from '../shared/mappings'
import { CompletionBar } from './completion/CompletionBar'
import type { ReportValues } from './data/reportValues'
import { useReportValues } from './data/useReportValues'
import { EntryForm } from './form/EntryForm'
import { useEntryForm } from './form/useEntryForm'
import type { EntryMetadata } from './metadata/types'
import type { OrgUnitNode } from './orgunits/types'
import { ClosedPeriodNotice } from './periods/ClosedPeriodNotice'
import type { PeriodChoice } from './periods/periodChoices'
import classes from './Saisie.module.css'
import { createCellCheck, createEntryIndex } from './validation/entryValidator'

interface Props {
  metadata: EntryMetadata
  user: CurrentUser
  orgUnit: OrgUnitNode
  choice: PeriodChoice
}

/** One RC's report for one month: loads its values, then shows the form and the completion bar. */
export function ReportView({ metadata, user, orgUnit, choice }: Props) {
  const { loading, error, report } = useReportValues(metadata.dataSet.id, orgUnit.id, choice.period)
  const index = useMemo(() => createEntryIndex(metadata, orgUnit), [metadata, orgUnit])
  if (error) {
    return (
      <NoticeBox error title={i18n.t('Could not load the report')}>
        {error.message}
      </NoticeBox>
    )
  }
  if (loading || !report) {
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
  const form = useEntryForm({ metadata, check, orgUnitId: orgUnit.id, period: choice.period, initial: report.values })
  const readOnly = !choice.open
  const periodLabel = periodName(choice.period, uiLanguage())
  const target = useMemo(
    () => ({ dataSet: metadata.dataSet.id, period: choice.period.id, organisationUnit: orgUnit.id }),
    [metadata.dataSet.id, choice.period.id, orgUnit.id],
  )
  const context = useMemo(
    () => ({ form, readOnly, history: report.history, periodLabel }),
    [form, readOnly, report.history, periodLabel],
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
        index={index}
        dataSet={metadata.dataSet}
        values={form.values}
        invalidCells={form.errors.size}
        unsent={form.unsent}
        readOnly={readOnly}
      />
    </>
  )
}
