// The security check's part of the bridge API, as the « Sécurité » screen calls it (issue 16 §3): paths, and
// types taken from the bridge's own zod schemas (bridge-service/src/api/contract-security.ts) — `import type`
// only, no zod bundled.
import type { z } from 'zod'
import type * as Contract from '@relais/bridge-service/src/api/contract-security'
import type * as AuditContract from '@relais/bridge-service/src/api/contract-audit'

export const SECURITY_PATHS = {
  reports: 'security/reports',
  latest: 'security/reports/latest',
  run: 'security/run',
  actions: 'security/actions',
  audit: 'audit',
} as const

export type SecurityFinding = z.output<typeof Contract.SecurityFindingSchema>
export type SecurityReport = z.output<typeof Contract.SecurityReportSchema>
export type SecurityReportDays = z.output<typeof Contract.SecurityReportDays>
export type SecurityReportDay = SecurityReportDays['items'][number]
export type SecurityCounts = SecurityReport['counts']
export type Severity = SecurityFinding['severity']
export type FindingCode = SecurityFinding['code']
export type SecurityActionRecord = z.input<typeof Contract.SecurityActionRecord>
export type SecurityAction = SecurityActionRecord['action']

/** An entry of the bridge's audit log (`GET /api/v1/audit`), and a page of them. */
export type AuditEntry = z.output<typeof AuditContract.AuditEntrySchema>
export type AuditPage = z.output<typeof AuditContract.AuditList>
