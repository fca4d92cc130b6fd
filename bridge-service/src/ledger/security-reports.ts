/** `security_reports`: the daily security check's reports, one per day (issue 16 §2). */
import type { Finding } from '../security/findings'
import type { Db } from './db'
import { fromJson, json, toDate } from './sql'

export interface SecurityReport {
  readonly day: string
  readonly createdAt: Date
  readonly actor: string
  readonly dhis2Version: string
  readonly findings: Finding[]
  /** Keys of the findings new since the previous report. */
  readonly added: string[]
  /** Findings of the previous report gone today. */
  readonly resolved: Finding[]
  /** What the check could not read or judge (a policy that does not parse…). */
  readonly problems: string[]
}

interface Row {
  day: string
  created_at: unknown
  actor: string
  dhis2_version: string
  findings: unknown
  added: unknown
  resolved: unknown
  problems: unknown
}

const COLUMNS = `to_char(day, 'YYYY-MM-DD') AS day, created_at, actor, dhis2_version, findings, added, resolved, problems`

const toReport = (r: Row): SecurityReport => ({
  day: r.day,
  createdAt: toDate(r.created_at),
  actor: r.actor,
  dhis2Version: r.dhis2_version,
  findings: fromJson<Finding[]>(r.findings) ?? [],
  added: fromJson<string[]>(r.added) ?? [],
  resolved: fromJson<Finding[]>(r.resolved) ?? [],
  problems: fromJson<string[]>(r.problems) ?? [],
})

export function securityReportsRepository(db: Db) {
  return {
    /** Keeps the day's report (replacing one made earlier the same day). */
    async save(report: Omit<SecurityReport, 'createdAt'>): Promise<void> {
      await db.query(
        `INSERT INTO security_reports (day, actor, dhis2_version, findings, added, resolved, problems)
         VALUES ($1::date, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb)
         ON CONFLICT (day) DO UPDATE SET created_at = now(), actor = EXCLUDED.actor,
           dhis2_version = EXCLUDED.dhis2_version, findings = EXCLUDED.findings, added = EXCLUDED.added,
           resolved = EXCLUDED.resolved, problems = EXCLUDED.problems`,
        [
          report.day,
          report.actor,
          report.dhis2Version,
          json(report.findings),
          json(report.added),
          json(report.resolved),
          json(report.problems),
        ],
      )
    },

    async get(day: string): Promise<SecurityReport | undefined> {
      const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM security_reports WHERE day = $1::date`, [day])
      return rows[0] ? toReport(rows[0]) : undefined
    },

    /** The newest report before `day` (what today's is compared with). */
    async before(day: string): Promise<SecurityReport | undefined> {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM security_reports WHERE day < $1::date ORDER BY day DESC LIMIT 1`,
        [day],
      )
      return rows[0] ? toReport(rows[0]) : undefined
    },

    /** Reports between two days (inclusive), newest first, at most `limit`. */
    async between(from: string, to: string, limit = 400): Promise<SecurityReport[]> {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM security_reports WHERE day BETWEEN $1::date AND $2::date ORDER BY day DESC LIMIT $3`,
        [from, to, limit],
      )
      return rows.map(toReport)
    },
  }
}

export type SecurityReportsRepository = ReturnType<typeof securityReportsRepository>
