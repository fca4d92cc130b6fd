// The evidence pack of a range of days for the ministry's auditors: each day's counts, the findings of the range
// (first and last seen), the bridge's audit log of the range — a printable page (the browser's print, without
// DHIS2's header and the controls) and a CSV (« ; », UTF-8 with BOM, like the bulletin's).
import i18n from '@dhis2/d2-i18n'
import { useDataEngine } from '@dhis2/app-runtime'
import {
  Button,
  CircularLoader,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  InputField,
  NoticeBox,
} from '@dhis2/ui'
import { useState } from 'react'
import type { BridgeProblem } from '../shared/bridge/bridgeProblem'
import { classifyError } from '../shared/bridge/bridgeProblem'
import {
  SECURITY_PATHS,
  type AuditEntry,
  type AuditPage,
  type SecurityReport,
  type SecurityReportDays,
} from '../shared/bridge/security'
import { queryBridge } from '../shared/bridge/useBridge'
import { downloadCsv } from '../shared/csv/CsvButton'
import { csvFileName } from '../shared/csv/csv'
import { formatDay } from '../shared/language'
import { evidenceCsv, evidenceSections, type EvidenceLabels, type EvidenceSection } from './evidenceCsv'
import { BridgeProblemNotice, TableScroll } from './FindingList'
import { findingSentence, findingTitle, severityLabel } from './findingText'
import classes from './Security.module.css'
import layout from '../shared/PageLayout.module.css'
import { addDays, dayRangeInstants, findingsOfRange } from './securityModel'

/** The longest range of one pack (one report a day is read for each day). */
export const MAX_RANGE_DAYS = 92
/** Audit pages read for one pack (100 entries each). */
const MAX_AUDIT_PAGES = 50

type Engine = ReturnType<typeof useDataEngine>

async function loadEvidence(engine: Engine, from: string, to: string) {
  const days = await queryBridge<SecurityReportDays>(engine, SECURITY_PATHS.reports, { from, to })
  const reports: SecurityReport[] = []
  for (const d of days.items) reports.push(await queryBridge<SecurityReport>(engine, `security/reports/${d.day}`))
  const audit: AuditEntry[] = []
  const range = dayRangeInstants(from, to)
  let truncated = false
  for (let page = 1; ; page++) {
    const answer = await queryBridge<AuditPage>(engine, SECURITY_PATHS.audit, { ...range, page, pageSize: 100 })
    audit.push(...answer.items)
    if (page >= answer.pager.pageCount) break
    if (page >= MAX_AUDIT_PAGES) {
      truncated = true
      break
    }
  }
  return { days: days.items, findings: findingsOfRange(reports), audit, truncated }
}

function labels(from: string, to: string, now: Date): EvidenceLabels {
  return {
    title: i18n.t('Relais security evidence pack'),
    heading: [
      [i18n.t('From'), from],
      [i18n.t('To'), to],
      [i18n.t('Made on'), now.toISOString()],
    ],
    days: {
      title: i18n.t('Days checked'),
      headers: [
        i18n.t('Day'),
        i18n.t('Checked at'),
        severityLabel('critical'),
        severityLabel('high'),
        severityLabel('medium'),
        severityLabel('low'),
        i18n.t('New'),
        i18n.t('Resolved'),
      ],
      empty: i18n.t('No check in these days.'),
    },
    findings: {
      title: i18n.t('Findings of the period'),
      headers: [
        i18n.t('Severity'),
        i18n.t('Code'),
        i18n.t('Finding'),
        i18n.t('Subject'),
        i18n.t('Detail'),
        i18n.t('First seen'),
        i18n.t('Last seen'),
        i18n.t('Days seen'),
      ],
      empty: i18n.t('No finding in these days.'),
    },
    audit: {
      title: i18n.t('Audit log of the period'),
      headers: [
        i18n.t('When'),
        i18n.t('Who'),
        i18n.t('Role'),
        i18n.t('Action'),
        i18n.t('Target'),
        i18n.t('Detail'),
        i18n.t('From address'),
      ],
      empty: i18n.t('No audit entry in these days.'),
    },
  }
}

const SAY = {
  severity: (f: Parameters<typeof findingSentence>[0]) => severityLabel(f.severity),
  title: (f: Parameters<typeof findingSentence>[0]) => findingTitle(f.code),
  sentence: findingSentence,
}

export function EvidenceTab({ today }: { today: string }) {
  const engine = useDataEngine()
  const [from, setFrom] = useState(addDays(today, -29))
  const [to, setTo] = useState(today)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)
  const [pack, setPack] = useState<{
    from: string
    to: string
    sections: EvidenceSection[]
    heading: EvidenceLabels['heading']
    title: string
    truncated: boolean
  } | null>(null)

  const rangeError =
    !from || !to
      ? i18n.t('Choose both days.')
      : from > to
        ? i18n.t('The first day comes after the last.')
        : addDays(from, MAX_RANGE_DAYS - 1) < to
          ? i18n.t('Choose at most {{days}} days.', { interpolation: { escapeValue: false }, days: MAX_RANGE_DAYS })
          : undefined

  const prepare = async () => {
    setBusy(true)
    setProblem(null)
    try {
      const data = await loadEvidence(engine, from, to)
      const l = labels(from, to, new Date())
      setPack({
        from,
        to,
        sections: evidenceSections(data, l, SAY),
        heading: l.heading,
        title: l.title,
        truncated: data.truncated,
      })
    } catch (error) {
      setPack(null)
      setProblem(classifyError(error))
    }
    setBusy(false)
  }

  return (
    <div className={layout.section}>
      <div className={`${classes.filters} ${classes.controls ?? ''}`}>
        <InputField
          className={classes.filter}
          name="evidence-from"
          type="date"
          label={i18n.t('First day')}
          value={from}
          onChange={({ value }) => setFrom(value ?? '')}
        />
        <InputField
          className={classes.filter}
          name="evidence-to"
          type="date"
          label={i18n.t('Last day')}
          value={to}
          validationText={rangeError}
          error={rangeError !== undefined}
          onChange={({ value }) => setTo(value ?? '')}
        />
        <Button primary loading={busy} disabled={busy || rangeError !== undefined} onClick={() => void prepare()}>
          {i18n.t('Prepare the evidence pack')}
        </Button>
      </div>
      {problem && <BridgeProblemNotice problem={problem} title={i18n.t('Could not prepare the evidence pack')} />}
      {busy && <CircularLoader small aria-label={i18n.t('Preparing the evidence pack')} />}
      {pack && (
        <>
          <div className={classes.actions}>
            <Button primary onClick={() => window.print()}>
              {i18n.t('Print / PDF')}
            </Button>
            <Button
              secondary
              onClick={() =>
                downloadCsv(
                  csvFileName('relais-securite', pack.from, pack.to),
                  evidenceCsv(pack.title, pack.heading, pack.sections),
                )
              }
            >
              {i18n.t('Download CSV')}
            </Button>
          </div>
          {pack.truncated && (
            <NoticeBox warning title={i18n.t('Audit log cut short')}>
              {i18n.t('Only the first 5000 audit entries of the range are in the pack; choose fewer days.')}
            </NoticeBox>
          )}
          <article className={classes.document} data-test="relais-evidence" aria-labelledby="evidence-title">
            <h3 id="evidence-title">{pack.title}</h3>
            <p className={layout.muted}>
              {i18n.t('From {{from}} to {{to}}', {
                interpolation: { escapeValue: false },
                from: formatDay(pack.from),
                to: formatDay(pack.to),
              })}
            </p>
            {pack.sections.map((section) => (
              <section key={section.title} className={layout.section}>
                <h4>{section.title}</h4>
                {section.rows.length === 0 ? (
                  <p className={layout.muted}>{section.empty}</p>
                ) : (
                  <TableScroll label={section.title}>
                    <DataTable>
                      <DataTableHead>
                        <DataTableRow>
                          {section.headers.map((h) => (
                            <DataTableColumnHeader key={h}>{h}</DataTableColumnHeader>
                          ))}
                        </DataTableRow>
                      </DataTableHead>
                      <DataTableBody>
                        {section.rows.map((row, i) => (
                          <DataTableRow key={i}>
                            {row.map((cell, j) => (
                              <DataTableCell key={j}>{cell ?? ''}</DataTableCell>
                            ))}
                          </DataTableRow>
                        ))}
                      </DataTableBody>
                    </DataTable>
                  </TableScroll>
                )}
              </section>
            ))}
          </article>
        </>
      )}
    </div>
  )
}
