// The « Sécurité » screen's pure part (issue 16 §3): findings grouped by severity and what is new, the people
// whose password expired or is about to, the French message sent to them, the findings of a range of days (first
// and last seen), bulk-action outcomes, and date arithmetic on calendar days. No React, no i18n, no network.
import type { AuditEntry, SecurityFinding, SecurityReport, Severity } from '../shared/bridge/security'

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low']

/** Non-empty groups, most severe first; each group keeps the report's order. */
export function groupBySeverity(findings: readonly SecurityFinding[]): Array<{
  severity: Severity
  findings: SecurityFinding[]
}> {
  return SEVERITY_ORDER.map((severity) => ({
    severity,
    findings: findings.filter((f) => f.severity === severity),
  })).filter((group) => group.findings.length > 0)
}

/** The findings the report says are new since the report before (its `added` keys), in the report's order. */
export function newFindings(report: Pick<SecurityReport, 'findings' | 'added'>): SecurityFinding[] {
  const added = new Set(report.added)
  return report.findings.filter((f) => added.has(f.key))
}

/** « Honorine Dossa (superviseur.aire) » → name and username, as findings.ts writes a user's subject. */
export function splitUserName(subjectName: string): { name: string; username: string | undefined } {
  const match = /^(.*) \(([^()]+)\)$/.exec(subjectName)
  return match ? { name: match[1]!, username: match[2] } : { name: subjectName, username: undefined }
}

export interface PasswordPerson {
  /** DHIS2 user id. */
  id: string
  name: string
  username: string | undefined
  expired: boolean
  /** Days since the password was changed. */
  days: number | undefined
  /** Days until it expires (an expired one: 0). */
  daysLeft: number
}

/** The people with a password-expired or password-expiring finding, expired first, then the fewest days left. */
export function passwordPeople(findings: readonly SecurityFinding[]): PasswordPerson[] {
  return findings
    .filter((f) => f.subject.kind === 'user' && (f.code === 'password-expired' || f.code === 'password-expiring'))
    .map((f) => {
      const { name, username } = splitUserName(f.subject.name)
      const days = typeof f.detail.days === 'number' ? f.detail.days : undefined
      const daysLeft = typeof f.detail.daysLeft === 'number' ? f.detail.daysLeft : 0
      return { id: f.subject.id, name, username, expired: f.code === 'password-expired', days, daysLeft }
    })
    .sort((a, b) => Number(b.expired) - Number(a.expired) || a.daysLeft - b.daysLeft || a.name.localeCompare(b.name))
}

export const PASSWORD_MESSAGE_SUBJECT = 'Votre mot de passe DHIS2'

/**
 * The message sent to one person, in French whatever the administrator's language (the RC and supervisors read
 * French). It names the person and the days left, and says how to change the password in DHIS2.
 */
export function passwordMessage(person: PasswordPerson): string {
  const how =
    'Pour le changer : dans DHIS2, ouvrez le menu de votre profil (en haut à droite), puis « Modifier le mot de passe ».'
  const when = person.expired
    ? `votre mot de passe DHIS2 a expiré${person.days !== undefined ? ` (il date de ${person.days} jours)` : ''}. Changez-le dès maintenant.`
    : `votre mot de passe DHIS2 expire dans ${person.daysLeft} jour${person.daysLeft > 1 ? 's' : ''}. Changez-le avant cette date pour garder l'accès à DHIS2 et à Relais.`
  return `Bonjour ${person.name},\n\n${when}\n${how}\nSi DHIS2 refuse votre connexion, contactez l'administrateur Relais.\n\nL'équipe Relais`
}

export interface RangeFinding {
  finding: SecurityFinding
  firstSeen: string
  lastSeen: string
  /** Days of the range whose report had it. */
  days: number
}

/** Each finding of a range of daily reports once, with the first and last day it was seen (latest version kept). */
export function findingsOfRange(reports: ReadonlyArray<Pick<SecurityReport, 'day' | 'findings'>>): RangeFinding[] {
  const byKey = new Map<string, RangeFinding>()
  const ordered = [...reports].sort((a, b) => a.day.localeCompare(b.day))
  for (const report of ordered) {
    for (const finding of report.findings) {
      const seen = byKey.get(finding.key)
      if (seen)
        byKey.set(finding.key, { finding, firstSeen: seen.firstSeen, lastSeen: report.day, days: seen.days + 1 })
      else byKey.set(finding.key, { finding, firstSeen: report.day, lastSeen: report.day, days: 1 })
    }
  }
  return [...byKey.values()].sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.finding.severity) - SEVERITY_ORDER.indexOf(b.finding.severity) ||
      a.firstSeen.localeCompare(b.firstSeen) ||
      a.finding.key.localeCompare(b.finding.key),
  )
}

export interface PersonOutcome {
  id: string
  name: string
  ok: boolean
  /** DHIS2's refusal, in its words, with its status. */
  status?: number
  message?: string
}

/** What a bulk action did: how many done and failed, and who failed with DHIS2's reason. */
export function summariseOutcomes(outcomes: readonly PersonOutcome[]): {
  done: number
  failed: number
  failures: PersonOutcome[]
} {
  const failures = outcomes.filter((o) => !o.ok)
  return { done: outcomes.length - failures.length, failed: failures.length, failures }
}

/** DHIS2's answer to a refused call, from the data engine's error (a WebMessage in `details`). */
export function dhis2Refusal(error: unknown): { status?: number; message: string } {
  const e = error as { message?: unknown; details?: { httpStatusCode?: unknown; message?: unknown } } | null
  const details = e?.details
  const status = typeof details?.httpStatusCode === 'number' ? details.httpStatusCode : undefined
  const message =
    typeof details?.message === 'string' && details.message !== ''
      ? details.message
      : typeof e?.message === 'string'
        ? e.message
        : String(error)
  return { ...(status !== undefined ? { status } : {}), message }
}

/** The address an audited call came from, where the bridge kept it (`detail.from`). */
export function auditFrom(entry: Pick<AuditEntry, 'detail'>): string | undefined {
  const detail = entry.detail
  if (detail && typeof detail === 'object' && !Array.isArray(detail)) {
    const from = (detail as Record<string, unknown>).from
    if (typeof from === 'string' && from !== '') return from
  }
  return undefined
}

/** The detail of an audit entry as one line (without `from`, shown apart). */
export function auditDetailText(entry: Pick<AuditEntry, 'detail'>): string {
  const detail = entry.detail
  if (detail === null || detail === undefined) return ''
  if (typeof detail !== 'object' || Array.isArray(detail)) return JSON.stringify(detail)
  const rest = Object.entries(detail as Record<string, unknown>).filter(([key]) => key !== 'from')
  return rest
    .map(
      ([key, value]) =>
        `${key}: ${Array.isArray(value) ? value.join(', ') : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`,
    )
    .join(' · ')
}

/** 'YYYY-MM-DD' plus n days (calendar arithmetic in UTC, no time zone can move it). */
export function addDays(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + n)
  return date.toISOString().slice(0, 10)
}

/** Every day from `from` to `to` included (at most `max`, the latest kept). */
export function daysBetween(from: string, to: string, max = 366): string[] {
  const days: string[] = []
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day)
  return days.slice(-max)
}

/** The ISO instants the audit log's `since` (inclusive) and `until` (exclusive) take for whole days, in UTC. */
export function dayRangeInstants(from: string, to: string): { since: string; until: string } {
  return { since: `${from}T00:00:00.000Z`, until: `${addDays(to, 1)}T00:00:00.000Z` }
}
