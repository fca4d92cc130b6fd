/** One report: a data set for an org unit and a period (its completion is queued like a value). */
export interface ReportTarget {
  dataSet: string
  period: string
  organisationUnit: string
}

/** A completeDataSetRegistration as DHIS2 returns it (web-api §4). */
export interface Registration {
  dataSet: string
  period: string
  organisationUnit: string
  attributeOptionCombo?: string
  /** When the report was first completed (server time): the only date timeliness uses. */
  date: string
  completed: boolean
  storedBy?: string
  lastUpdated?: string
}

/**
 * The POST body that completes or un-completes a report WITHOUT moving its completion date.
 * DHIS2 overwrites `date` on every POST to /api/completeDataSetRegistrations (analytics §4.5), so an
 * existing registration is always re-sent with its own first date: un-completing keeps it with
 * `completed: false` (no DELETE, which would forget the date), re-completing flips it back. Only a
 * report never completed before gets a new date: when the RC completed it (`actedAt`, DHIS2's clock — a
 * report completed offline is on time if the RC was), else the server's now.
 */
export function registrationPayload(
  target: ReportTarget,
  existing: Registration | undefined,
  completed: boolean,
  actedAt?: string,
) {
  const date = existing?.date ?? actedAt
  return {
    completeDataSetRegistrations: [{ ...target, completed, ...(date ? { date } : {}) }],
  }
}

/** The registration of this report among those DHIS2 returned. */
export function findRegistration(list: readonly Registration[] | undefined, target: ReportTarget) {
  return list?.find(
    (r) => r.dataSet === target.dataSet && r.period === target.period && r.organisationUnit === target.organisationUnit,
  )
}

interface ImportAnswer {
  status?: string
  response?: { status?: string; conflicts?: Array<{ value?: string }> }
}

/** The refusal DHIS2 put in an import summary, or null when the registration was taken. */
export function importRefusal(answer: unknown): string | null {
  const a = (answer ?? {}) as ImportAnswer
  const status = a.response?.status ?? a.status
  if (status !== 'ERROR') return null
  return a.response?.conflicts?.map((c) => c.value).join(' ') || 'ERROR'
}
