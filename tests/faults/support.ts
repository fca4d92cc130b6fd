/**
 * Shared by the fault tests (tests/faults) and the benches (bench/): real `relais serve` child processes
 * with any arguments and a handle that can SIGKILL them, a throwaway PostgreSQL database, and partner CSVs
 * of any size built from the stand-in's own metadata, with the values DHIS2 must end up holding.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from 'pg'
import { parse } from 'yaml'
import type { Standin } from '@relais/dhis2-standin'
import { spawnBridge, type ServeChild, type ServeOptions } from '../support/bridge-process'

export const ROOT = join(__dirname, '..', '..')
export const CSV_SPEC = join(ROOT, 'mappings', 'specs', 'csv-partenaires.yaml')
export const PG_URL = process.env.RELAIS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const API_KEY = 'bench-gestionnaire-key-0123456789abcdef0123456789'
export const ROUTE_SECRET = 'route-secret-faults-0123456789abcdef0123456789'
export const PSEUDONYM_KEY = 'pseudonym-key-faults-0123456789abcdef0123456789'

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL: one throwaway database per test or bench (as bridge-service/src/ledger/test-support.ts).

export interface ThrowawayDatabase {
  readonly url: string
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  drop(): Promise<void>
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

export async function createDatabase(prefix = 'relais_faults'): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  await admin((c) => c.query(`CREATE DATABASE ${name}`))
  const url = new URL(PG_URL)
  url.pathname = `/${name}`
  let client: Client | undefined
  return {
    url: url.toString(),
    async query<T>(sql: string, params: unknown[] = []) {
      if (!client) {
        client = new Client({ connectionString: url.toString() })
        await client.connect()
      }
      return (await client.query(sql, params)).rows as T[]
    },
    async drop() {
      await client?.end()
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
}

// ---------------------------------------------------------------------------------------------------------
// `relais serve` as a child process.

export type { ServeChild, ServeOptions } from '../support/bridge-process'

/** `relais serve` with the secrets and API key these tests and benches use (see tests/support/bridge-process). */
export function spawnServe(options: ServeOptions): Promise<ServeChild> {
  return spawnBridge({
    ...options,
    env: {
      RELAIS_ROUTE_SECRET: ROUTE_SECRET,
      RELAIS_PSEUDONYM_KEY: PSEUDONYM_KEY,
      RELAIS_API_KEYS: `bench:gestionnaire:${API_KEY}`,
      ...options.env,
    },
  })
}

export const csvSourceConfig = (extra = '') =>
  `sources:\n  - name: csv-partenaires\n    kind: csv\n    mapping: ${CSV_SPEC}\n    maxUploadMegabytes: 500\n${extra}`

/** Uploads a CSV (string, Buffer or stream body) as the gestionnaire API key; returns the run id. */
export type UploadBody = NonNullable<RequestInit['body']>

export async function upload(
  bridgeUrl: string,
  body: UploadBody,
  filename = 'partenaires.csv',
): Promise<{ id: string; rows: number | null }> {
  const res = await fetch(`${bridgeUrl}/api/v1/uploads?source=csv-partenaires&filename=${filename}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'text/csv' },
    body,
    // Node's fetch needs this for a stream body.
    ...(typeof body === 'object' && body !== null && 'getReader' in body ? { duplex: 'half' } : {}),
  } as RequestInit)
  const text = await res.text()
  if (res.status !== 202) throw new Error(`upload: HTTP ${res.status} ${text.slice(0, 1000)}`)
  return JSON.parse(text) as { id: string; rows: number | null }
}

/**
 * Waits until the upload's rows are all committed (the run's intake complete — an upload may be answered
 * before, with `rows: null`) and answers how many records the run holds.
 */
export async function intakeCommitted(db: ThrowawayDatabase, runId: string, timeoutMs = 30 * 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [run] = await db.query<{ intake: string | null; status: string }>(
      `SELECT detail->>'intake' AS intake, status FROM runs WHERE id = $1`,
      [runId],
    )
    if (run?.intake === 'complete' || (run && run.status !== 'running')) break
    if (Date.now() > deadline) throw new Error(`run ${runId}: intake not complete after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const [count] = await db.query<{ n: string }>('SELECT count(*) AS n FROM records WHERE run_id = $1', [runId])
  return Number(count?.n ?? 0)
}

/** Counts of records per status (straight from the ledger). */
export async function statusCounts(db: ThrowawayDatabase): Promise<Record<string, number>> {
  const rows = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM records GROUP BY status',
  )
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

export const TERMINAL = ['imported', 'unchanged', 'discarded', 'failed'] as const

// ---------------------------------------------------------------------------------------------------------
// Partner CSVs (mappings/specs/csv-partenaires.yaml) that pass the spec and the validation rules.

interface Column {
  field: string
  dataElement: string
  categoryOptionCombo?: string
}

export function specColumns(): Column[] {
  const spec = parse(readFileSync(CSV_SPEC, 'utf8')) as { values: Column[] }
  return spec.values
}

/** The RC org unit codes of the stand-in's RC_MENSUEL data set, sorted. */
export function rcCodes(standin: Standin): string[] {
  const meta = standin.ctx.state.metadata
  const ds = meta.dataSets.find((d) => d.code === 'RC_MENSUEL')
  if (!ds) throw new Error('RC_MENSUEL missing')
  const ids = new Set(ds.organisationUnits.map((o) => o.id))
  return meta.organisationUnits
    .filter((o) => ids.has(o.id) && o.code)
    .map((o) => o.code as string)
    .sort()
}

/** One row's values, column by column; deterministic from n; satisfies VR_TDR_POS, VR_CTA, VR_PDV, VR_AUTOTEST_SENS. */
export function rowValues(n: number): Record<string, string> {
  const a = n % 37
  const b = (n * 7) % 23
  return {
    sens_m_moins15: String(6 + a),
    sens_m_15_24: String(12 + b),
    sens_m_25plus: String(10 + (n % 11)),
    sens_f_moins15: String(4 + (n % 5)),
    sens_f_15_24: String(18 + (n % 13)),
    sens_f_25plus: String(8 + (n % 3)),
    preservatifs_m: String(180 + (n % 97)),
    preservatifs_f: String(20 + (n % 17)),
    autotest_m: String(2 + (n % 4)),
    autotest_f: String(5 + (n % 3)),
    ref_depist_m: String(1 + (n % 2)),
    ref_depist_f: String(3 + (n % 4)),
    pdv_recherches: String(4 + (n % 6)),
    pdv_retrouves: String(3 - (n % 3)),
    tb_presumes_m: String(1 + (n % 3)),
    // No zeros: DHIS2 does not store a zero of an element whose zeroIsSignificant is false.
    tb_presumes_f: String(1 + (n % 2)),
    tb_suivi_dot: String(1 + (n % 4)),
    palu_fievre_m: String(6 + (n % 9)),
    palu_fievre_f: String(5 + (n % 8)),
    palu_tdr: String(17 + (n % 19)),
    palu_tdr_pos: String(9 + (n % 7)),
    palu_cta_24h: String(9),
    palu_ref_grave: String(1 + (n % 2)),
    palu_milda: String(3 + (n % 5)),
    vad: String(25 + (n % 41)),
    causeries: String(3 + (n % 4)),
    rupture: n % 2 === 0 ? 'oui' : 'non',
    difficultes: `Ligne ${n} : RAS`,
  }
}

/** How DHIS2 stores a CSV cell of that column (BOOLEAN "oui"/"non" → "true"/"false"). */
const stored = (field: string, cell: string) => (field === 'rupture' ? (cell === 'oui' ? 'true' : 'false') : cell)

export interface CsvPlan {
  /** rows: [rc code, month "YYYY-MM"] */
  rows: [string, string][]
}

export function csvHeader(): string {
  return ['code_rc', 'mois', ...specColumns().map((c) => c.field)].join(',')
}

export function csvLine(rc: string, month: string, n: number, columns = specColumns()): string {
  const v = rowValues(n)
  return [rc, month, ...columns.map((c) => v[c.field] ?? '')].join(',')
}

/** The CSV text of the rows (n = row index). */
export function buildCsv(rows: readonly (readonly [string, string])[]): string {
  const columns = specColumns()
  const lines = [csvHeader()]
  rows.forEach(([rc, month], n) => lines.push(csvLine(rc, month, n, columns)))
  return `${lines.join('\n')}\n`
}

/**
 * The values DHIS2 must hold after importing those rows: key `ou|pe|de|coc` (UIDs) → value. The last row of
 * a (rc, month) key wins, as in the CSV source.
 */
export function expectedValues(standin: Standin, rows: readonly (readonly [string, string])[]): Map<string, string> {
  const meta = standin.ctx.state.metadata
  const byCode = <T extends { id: string; code?: string }>(list: readonly T[]) =>
    new Map(list.filter((o) => o.code).map((o) => [o.code as string, o.id]))
  const ou = byCode(meta.organisationUnits)
  const de = byCode(meta.dataElements)
  const coc = byCode(meta.categoryOptionCombos)
  const defaultCoc = meta.categoryOptionCombos.find((c) => c.name === 'default')?.id
  if (!defaultCoc) throw new Error('no default category option combo')
  const columns = specColumns()
  const expected = new Map<string, string>()
  rows.forEach(([rc, month], n) => {
    const values = rowValues(n)
    const pe = month.replace('-', '')
    for (const c of columns) {
      const cocId = c.categoryOptionCombo ? coc.get(c.categoryOptionCombo) : defaultCoc
      const key = `${ou.get(rc)}|${pe}|${de.get(c.dataElement)}|${cocId}`
      expected.set(key, stored(c.field, values[c.field] ?? ''))
    }
  })
  return expected
}

export interface ReadBackValue {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  value: string
}

/**
 * What DHIS2 holds against what it should, by `orgUnit|period|dataElement|categoryOptionCombo`: the first few keys
 * missing, holding another value, or not expected at all — all three empty when DHIS2 holds exactly `expected`.
 */
export function heldDifferences(
  expected: ReadonlyMap<string, string>,
  held: readonly ReadBackValue[],
): { missing: string[]; different: [string, string][]; extra: string[] } {
  const actual = new Map(
    held.map((v) => [`${v.orgUnit}|${v.period}|${v.dataElement}|${v.categoryOptionCombo}`, v.value]),
  )
  const missing = [...expected.keys()].filter((k) => !actual.has(k))
  const different = [...expected].filter(([k, v]) => actual.has(k) && actual.get(k) !== v)
  const extra = [...actual.keys()].filter((k) => !expected.has(k))
  return { missing: missing.slice(0, 5), different: different.slice(0, 5), extra: extra.slice(0, 5) }
}

/** GET /api/dataValueSets for RC_MENSUEL, the periods, under the root org unit (children=true). */
export async function readBack(
  standin: Standin,
  dhis2Url: string,
  token: string,
  periods: string[],
): Promise<ReadBackValue[]> {
  const meta = standin.ctx.state.metadata
  const ds = meta.dataSets.find((d) => d.code === 'RC_MENSUEL')!.id
  const root = meta.organisationUnits.find((o) => o.level === 1 || !o.parent)!.id
  const query = new URLSearchParams({ dataSet: ds, orgUnit: root, children: 'true' })
  for (const p of periods) query.append('period', p)
  const res = await fetch(`${dhis2Url}/api/dataValueSets?${query}`, { headers: { Authorization: `ApiToken ${token}` } })
  if (res.status !== 200) throw new Error(`read back: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`)
  return ((await res.json()) as { dataValues?: ReadBackValue[] }).dataValues ?? []
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
