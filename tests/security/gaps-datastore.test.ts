/**
 * Issue 11 §7, as an RC would attack it, against the DHIS2 stand-in over HTTP with the app's own dataStore
 * code (dhis2-app/src/dashboard/gaps/gapStore.ts, analytics/dashboardSettings.ts) run as each user:
 * - an RC cannot read the gaps of anyone (their causes include illness) — not by key, list or query;
 * - an RC cannot forge one: a change they write is theirs in DHIS2's metaData and left out, and they cannot
 *   rewrite a supervisor's;
 * - the dashboard thresholds count only when an administrator wrote them last.
 * On the old code (one shared document per period, `by`/`at` written by the browser) every check fails.
 */
import { loadDashboardSettings } from '../../dhis2-app/src/dashboard/analytics/dashboardSettings'
import { loadGaps, saveGapChange } from '../../dhis2-app/src/dashboard/gaps/gapStore'
import { closeChange, recordChange } from '../../dhis2-app/src/dashboard/gaps/gaps'
import type { Dhis2Access } from '../../dhis2-app/src/shared/dhis2Access'
import { createStandin, type Standin, basic, PASSWORDS } from '@relais/dhis2-standin'

let standin: Standin
let dhis2: string

beforeAll(async () => {
  standin = createStandin({ seed: 'small', now: '2026-10-03T09:00:00Z', months: 0 })
  dhis2 = await standin.listen(0)
})
afterAll(() => standin?.close())

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    text: string,
  ) {
    super(`HTTP ${status} ${text.slice(0, 200)}`)
  }
  get details() {
    return { httpStatusCode: this.status }
  }
}

/** The app's Dhis2Access, over fetch with a user's login. */
function as(username: string): Dhis2Access & { put(resource: string, data: unknown): Promise<number> } {
  const headers = { Authorization: basic(username, PASSWORDS[username]), 'Content-Type': 'application/json' }
  const url = (resource: string, params: Record<string, string | number | boolean> = {}) => {
    const u = new URL(`${dhis2}/api/${resource}`)
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v))
    return u
  }
  const call = async (method: string, resource: string, data?: unknown, params?: Record<string, string>) => {
    const res = await fetch(url(resource, params), {
      method,
      headers,
      ...(data === undefined ? {} : { body: JSON.stringify(data) }),
    })
    const text = await res.text()
    if (!res.ok) throw new HttpFailure(res.status, text)
    return text ? (JSON.parse(text) as unknown) : undefined
  }
  return {
    get: (resource, params) => call('GET', resource, undefined, params as Record<string, string> | undefined),
    create: async (resource, data, params) => {
      await call('POST', resource, data, params as Record<string, string> | undefined)
    },
    replace: async (resource, data) => {
      await call('PUT', resource, data)
    },
    put: (resource, data) =>
      call('PUT', resource, data).then(
        () => 200,
        (e: HttpFailure) => e.status,
      ),
  }
}

const rcOf = (code: string) => {
  const ou = standin.ctx.state.metadata.organisationUnits.find((o) => o.code === code)!
  return { orgUnit: ou.id, orgUnitName: ou.name, period: '202609', reason: 'notReported' as const }
}
const INPUT = {
  cause: 'maladie' as const,
  causeDetail: 'paludisme grave',
  action: 'Visite à domicile',
  dueDate: '2026-10-10',
}

test('a supervisor records a gap: the Relais groups read it with its author from DHIS2; an RC reads nothing', async () => {
  const subject = rcOf('RC-BO-00001')
  const key = await saveGapChange(as('superviseur'), recordChange(subject, INPUT))

  for (const reader of ['superviseur', 'superviseur.aire', 'gestionnaire', 'administrateur']) {
    const { document } = await loadGaps(as(reader), '202609')
    expect(document.gaps[subject.orgUnit]).toMatchObject({ cause: 'maladie', causeDetail: 'paludisme grave' })
    expect(document.gaps[subject.orgUnit]?.history[0]).toMatchObject({ event: 'recorded', by: 'superviseur' })
  }

  const rc = as('relais')
  expect((await loadGaps(rc, '202609')).document.gaps).toEqual({})
  await expect(rc.get(`dataStore/relais/${key}`)).rejects.toMatchObject({ status: 403 })
  await expect(rc.get(`dataStore/relais/${key}/metaData`)).rejects.toMatchObject({ status: 403 })
  const keys = (await rc.get('dataStore/relais').catch(() => [])) as string[]
  expect(keys).not.toContain(key)
})

test("an RC's forged change is left out, and they cannot rewrite a supervisor's", async () => {
  const subject = rcOf('RC-BO-00002')
  const key = await saveGapChange(as('superviseur'), recordChange(subject, INPUT))
  const rc = as('relais')
  // The RC writes changes of their own, claiming the gap is closed and its cause was abandon.
  await saveGapChange(rc, closeChange(subject, true))
  await saveGapChange(rc, recordChange(subject, { ...INPUT, cause: 'abandon', causeDetail: '' }))
  // They cannot even see the supervisor's entry to overwrite it.
  expect(await rc.put(`dataStore/relais/${key}`, closeChange(subject, true))).toBe(403)

  const { document } = await loadGaps(as('gestionnaire'), '202609')
  expect(document.gaps[subject.orgUnit]).toMatchObject({ cause: 'maladie' })
  expect(document.gaps[subject.orgUnit]?.closedAt).toBeUndefined()
  expect(document.gaps[subject.orgUnit]?.history).toHaveLength(1)
  // The RC's own entries are not readable by the supervisors either (shared with groups, not the public);
  // were they, the author check would leave them out (gaps.test.ts).
  const superviseur = await loadGaps(as('superviseur'), '202609')
  expect(superviseur.document.gaps[subject.orgUnit]?.closedAt).toBeUndefined()
})

test('the dashboard thresholds count only when an administrator wrote them last', async () => {
  const reader = as('superviseur')
  expect(await loadDashboardSettings(reader)).toEqual({ value: null, origin: 'none' })
  // An RC sets thresholds for everyone.
  expect(await as('relais').put('dataStore/relais/dashboard-settings', { thresholds: { good: 1, fair: 0 } })).toBe(200)
  expect(await loadDashboardSettings(reader)).toEqual({ value: null, origin: 'untrusted' })
  // An administrator sets them: they count.
  const set = { thresholds: { good: 85, fair: 60 } }
  expect(await as('administrateur').put('dataStore/relais/dashboard-settings', set)).toBe(200)
  expect(await loadDashboardSettings(reader)).toEqual({ value: set, origin: 'administrator' })
  // The RC rewrites them: DHIS2 records the RC as last writer, and they stop counting.
  expect(await as('relais').put('dataStore/relais/dashboard-settings', { thresholds: { good: 1, fair: 0 } })).toBe(200)
  expect(await loadDashboardSettings(reader)).toEqual({ value: null, origin: 'untrusted' })
})
