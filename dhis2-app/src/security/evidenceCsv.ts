// The evidence pack of a range of days as one CSV file for the ministry's auditors (issue 16 §3): a heading, then
// three sections — each day's counts, the findings of the range (first and last seen), the bridge's audit log.
// The bulletin's dialect (« ; », decimal comma; UTF-8 with BOM added by downloadCsv), RFC 4180 quoting and the
// formula guard of shared/csv. Pure: the labels and sentences come in already translated.
import { CSV_FR, csvCell, type CsvCell } from '../shared/csv/csv'
import type { AuditEntry, SecurityReportDay } from '../shared/bridge/security'
import { auditDetailText, auditFrom, type RangeFinding } from './securityModel'

export interface EvidenceSection {
  title: string
  headers: readonly string[]
  rows: ReadonlyArray<readonly CsvCell[]>
  /** Said on its own line when there is no row. */
  empty: string
}

export interface EvidenceLabels {
  title: string
  heading: ReadonlyArray<readonly [string, string]>
  days: { title: string; headers: readonly string[]; empty: string }
  findings: { title: string; headers: readonly string[]; empty: string }
  audit: { title: string; headers: readonly string[]; empty: string }
}

export interface EvidenceData {
  days: readonly SecurityReportDay[]
  findings: readonly RangeFinding[]
  audit: readonly AuditEntry[]
}

/** The sections' rows, in the order of their headers (the printable page shows the same rows). */
export function evidenceSections(
  data: EvidenceData,
  labels: EvidenceLabels,
  say: {
    severity: (f: RangeFinding['finding']) => string
    title: (f: RangeFinding['finding']) => string
    sentence: (f: RangeFinding['finding']) => string
  },
): EvidenceSection[] {
  const days = [...data.days].sort((a, b) => a.day.localeCompare(b.day))
  return [
    {
      ...labels.days,
      rows: days.map((d) => [
        d.day,
        d.createdAt,
        d.counts.critical,
        d.counts.high,
        d.counts.medium,
        d.counts.low,
        d.added,
        d.resolved,
      ]),
    },
    {
      ...labels.findings,
      rows: data.findings.map(({ finding, firstSeen, lastSeen, days: seen }) => [
        say.severity(finding),
        finding.code,
        say.title(finding),
        finding.subject.name,
        say.sentence(finding),
        firstSeen,
        lastSeen,
        seen,
      ]),
    },
    {
      ...labels.audit,
      rows: [...data.audit]
        .sort((a, b) => a.at.localeCompare(b.at))
        .map((e) => [e.at, e.actor, e.role ?? '', e.action, e.target ?? '', auditDetailText(e), auditFrom(e) ?? '']),
    },
  ]
}

/** Heading, then each section: its title alone on a line, its header and rows (or why it is empty), a blank line. */
export function evidenceCsv(
  title: string,
  heading: EvidenceLabels['heading'],
  sections: readonly EvidenceSection[],
): string {
  const lines: Array<readonly CsvCell[]> = [[title], ...heading, []]
  for (const section of sections) {
    lines.push([section.title])
    if (section.rows.length === 0) lines.push([section.empty])
    else lines.push(section.headers, ...section.rows)
    lines.push([])
  }
  const text = (row: readonly CsvCell[]) => row.map((cell) => csvCell(cell, CSV_FR)).join(CSV_FR.separator)
  return lines.map(text).join('\r\n') + '\r\n'
}
