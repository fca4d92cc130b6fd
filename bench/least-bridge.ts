/**
 * « The least bridge », reference 5 of bench/bridge-csv.ts: the work any bridge must do to move the CSV into
 * DHIS2 while keeping a ledger of records and protecting people's values — and nothing else. One process, no
 * queue, no API, no validation beyond the mapping, no retries, no audit: it
 * 1. reads the CSV file with the bridge's own reader (a CSV needs a real tokenizer: quotes, separators);
 * 2. hashes each row's content (re-sent rows must be recognised) and maps it (the compiled csv-partenaires);
 * 3. inserts the records, mapped, with their received and mapped events (the ledger floor's statement);
 * 4. per data set × period, in requests of at most 5,000 values (records kept whole), reads what DHIS2 holds
 *    for those org units (the overwrite check's read), posts the values and reads the import summary;
 * 5. marks the records imported with their event and stores each record's value hashes (imported_sets), in
 *    one transaction per request (the floor's statements);
 * 6. registers the data set complete for the reports of the request (what completeness counts, issue 13 §1):
 *    reads the registrations DHIS2 holds for those org units (its dates must never be moved), posts the others
 *    and notes them in the records' histories — one read, one post and one statement per request.
 * Plain node:http with a keep-alive agent, no compression: the cheapest client.
 *
 * Run by bridge-csv as a child process, so that its CPU reads apart from the stand-in's: argv[2] is a JSON
 * `{ "dhis2": url, "db": url, "csv": path }`. It prints `ready` once compiled and connected (start-up is not
 * counted), starts on a line on stdin, prints `done <values posted>`, and
 * exits when its stdin ends (its PostgreSQL backend, whose CPU the parent reads, lives until then).
 */
import { createReadStream, readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createInterface } from 'node:readline'
import { Client } from 'pg'
import { compileYaml, localTimestamp, MetadataIndex, type MapResult } from '@relais/mappings'
import { DEMO_BRIDGE_TOKEN, createStandin } from '@relais/dhis2-standin'
import { readCsvRows } from '../bridge-service/src/sources/files/csv'
import type { FileSummary } from '../bridge-service/src/sources/files/findings'
import { contentHash, valueHash } from '../bridge-service/src/pipeline/hashing'
import { storeMapped } from '../bridge-service/src/pipeline/map/payload'
import { lateDataAccount } from '../bridge-service/src/pipeline/map/specs'
import { CSV_SPEC } from '../tests/faults/support'
import { CHUNK, NOW } from './support'

interface Config {
  dhis2: string
  db: string
  csv: string
}

const SOURCE = 'csv-partenaires'
const agent = new Agent({ keepAlive: true })
const auth = `ApiToken ${DEMO_BRIDGE_TOKEN}`

/** One request; answers the parsed JSON body, throws on a status other than 200. */
function http(method: 'GET' | 'POST', url: string, body?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Authorization: auth, Accept: 'application/json' }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json'
      headers['Content-Length'] = Buffer.byteLength(body)
    }
    const req = request(url, { method, agent, headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (d: Buffer) => parts.push(d))
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8')
        if (res.statusCode !== 200) reject(new Error(`${method} ${url}: HTTP ${res.statusCode} ${text.slice(0, 300)}`))
        else resolve(JSON.parse(text))
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The compiled spec, on the metadata the bridge would fetch (the stand-in's, from the same seed). */
function compile() {
  const metadata = createStandin({ seed: 'demo', now: NOW, months: 0 }).ctx.state.metadata
  const compiled = compileYaml(readFileSync(CSV_SPEC, 'utf8'), new MetadataIndex(metadata), {
    now: NOW.replace('Z', ''),
    user: lateDataAccount(metadata.organisationUnits),
  })
  if (!compiled.ok) throw new Error(`least bridge: ${CSV_SPEC} does not compile`)
  return compiled.mapper
}

interface Mapped {
  id?: string
  hash: string
  result: MapResult
}

async function run(config: Config, mapper: ReturnType<typeof compile>, db: Client, runId: string): Promise<number> {
  // 1–2. Read, hash, map.
  const summary = { format: 'csv', filename: 'bench.csv', findings: [] } as unknown as FileSummary
  const records: Mapped[] = []
  const rows: object[] = []
  for await (const row of readCsvRows(createReadStream(config.csv), summary)) {
    const raw = row.cells
    const hash = contentHash(raw)
    const result = mapper.map(raw)
    records.push({ hash, result })
    const mapped = storeMapped({
      spec: { id: SOURCE, version: 1 },
      snapshotId: 'bench',
      dataSet: mapper.dataSet.id,
      orgUnit: result.orgUnit ?? null,
      orgUnitCode: result.orgUnitCode ?? null,
      period: result.period ?? null,
      dataValues: result.dataValues,
      warnings: result.warnings,
      ...(result.completion ? { completion: result.completion } : {}),
    })
    rows.push({
      k: `${raw.code_rc}|${raw.mois}`,
      h: hash,
      raw,
      mapped,
      pe: result.period,
      ou: result.orgUnit,
      rc: raw.code_rc,
    })
  }
  // 3. The records, mapped, with their events.
  for (let i = 0; i < rows.length; i += 1_000) {
    const { rows: inserted } = await db.query<{ id: string }>(
      `WITH ins AS (
         INSERT INTO records (source, source_key, version, content_hash, raw, mapped, status, period, org_unit, rc_code, run_id)
         SELECT $3, k, h, h, raw, mapped, 'mapped', pe, ou, rc, $2 FROM json_to_recordset($1::json)
           AS t(k text, h text, raw jsonb, mapped jsonb, pe text, ou text, rc text)
         RETURNING id
       ), ev AS (
         INSERT INTO record_events (record_id, actor, from_status, to_status)
         SELECT id, 'least', e.f, e.t FROM ins, (VALUES (NULL, 'received'), ('received', 'mapped')) AS e(f, t)
       )
       SELECT id FROM ins`,
      [JSON.stringify(rows.slice(i, i + 1_000)), runId, SOURCE],
    )
    inserted.forEach((r, j) => (records[i + j]!.id = r.id))
  }
  // 4–5. Per period, requests of at most CHUNK values with records kept whole.
  const byPeriod = new Map<string, Mapped[]>()
  for (const r of records) {
    const pe = r.result.period ?? ''
    const list = byPeriod.get(pe)
    if (list) list.push(r)
    else byPeriod.set(pe, [r])
  }
  let posted = 0
  for (const [period, list] of byPeriod) {
    for (let start = 0; start < list.length;) {
      const batch: Mapped[] = []
      let values = 0
      while (start < list.length && values + list[start]!.result.dataValues.length <= CHUNK) {
        values += list[start]!.result.dataValues.length
        batch.push(list[start++]!)
      }
      posted += await push(config, mapper.dataSet.id, period, batch, db)
    }
  }
  return posted
}

async function push(config: Config, dataSet: string, period: string, batch: readonly Mapped[], db: Client) {
  // What DHIS2 holds for these org units (read at most 200 at a time): a value someone changed there is kept.
  const orgUnits = [...new Set(batch.map((r) => r.result.orgUnit!))]
  const held = new Map<string, string>()
  for (let i = 0; i < orgUnits.length; i += 200) {
    const query = new URLSearchParams({ dataSet, period, orgUnit: orgUnits.slice(i, i + 200).join(',') })
    const answer = (await http('GET', `${config.dhis2}/api/dataValueSets?${query}`)) as {
      dataValues?: { dataElement: string; orgUnit: string; categoryOptionCombo: string; value: string }[]
    }
    for (const v of answer.dataValues ?? []) held.set(`${v.orgUnit}.${v.dataElement}.${v.categoryOptionCombo}`, v.value)
  }
  const dataValues = batch.flatMap((r) =>
    r.result.dataValues.filter((v) => !held.has(`${v.orgUnit}.${v.dataElement}.${v.categoryOptionCombo}`)),
  )
  const summary = (await http(
    'POST',
    `${config.dhis2}/api/dataValueSets`,
    JSON.stringify({ dataSet, dataValues }),
  )) as {
    response?: { importCount?: { imported?: number; updated?: number } }
  }
  const count = summary.response?.importCount
  if ((count?.imported ?? 0) + (count?.updated ?? 0) !== dataValues.length)
    throw new Error(`least bridge: DHIS2 took ${JSON.stringify(count)} of ${dataValues.length}`)
  const sets = batch.map((r) => ({
    r: r.id,
    ou: r.result.orgUnit,
    pe: r.result.period,
    held: r.result.dataValues
      .map((v) => `${v.dataElement}.${v.categoryOptionCombo}.${v.attributeOptionCombo}:${valueHash(v)}`)
      .join(','),
  }))
  await db.query('BEGIN')
  await db.query(
    `WITH moved AS (
       UPDATE records SET status = 'imported', updated_at = now() WHERE id = ANY($1::text[]) AND status = 'mapped' RETURNING id
     )
     INSERT INTO record_events (record_id, actor, from_status, to_status) SELECT id, 'least', 'mapped', 'imported' FROM moved`,
    [batch.map((r) => r.id)],
  )
  await db.query(
    `INSERT INTO imported_sets (org_unit, period, record_id, source, held)
     SELECT ou, pe, r, $2, held FROM json_to_recordset($1::json) AS t(ou text, pe text, r text, held text)`,
    [JSON.stringify(sets), SOURCE],
  )
  await db.query('COMMIT')
  await complete(config, dataSet, period, batch, orgUnits, db)
  return dataValues.length
}

/** 6.: the reports of a request registered complete, those DHIS2 holds already left as they are. */
async function complete(
  config: Config,
  dataSet: string,
  period: string,
  batch: readonly Mapped[],
  orgUnits: readonly string[],
  db: Client,
) {
  const reports = batch.filter((r) => r.result.completion !== undefined)
  if (reports.length === 0) return
  const held = new Set<string>()
  for (let i = 0; i < orgUnits.length; i += 200) {
    const query = new URLSearchParams({ dataSet, period, orgUnit: orgUnits.slice(i, i + 200).join(',') })
    const answer = (await http('GET', `${config.dhis2}/api/completeDataSetRegistrations?${query}`)) as {
      completeDataSetRegistrations?: { organisationUnit: string }[]
    }
    for (const r of answer.completeDataSetRegistrations ?? []) held.add(r.organisationUnit)
  }
  const now = localTimestamp(new Date(), 'UTC')
  const toSend = reports.filter((r) => !held.has(r.result.orgUnit!))
  const registrations = toSend.map((r) => ({
    dataSet,
    period,
    organisationUnit: r.result.orgUnit,
    attributeOptionCombo: r.result.dataValues[0]?.attributeOptionCombo,
    date: r.result.completion?.submittedAt ? localTimestamp(new Date(r.result.completion.submittedAt), 'UTC') : now,
    completed: true,
  }))
  await http(
    'POST',
    `${config.dhis2}/api/completeDataSetRegistrations`,
    JSON.stringify({ completeDataSetRegistrations: registrations }),
  )
  await db.query(
    `INSERT INTO record_events (record_id, actor, from_status, to_status, reason)
     SELECT id, 'least', 'imported', 'imported', 'completion-registered' FROM unnest($1::text[]) AS t(id)`,
    [toSend.map((r) => r.id)],
  )
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as Config
  const mapper = compile()
  const db = new Client({ connectionString: config.db })
  await db.connect()
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO runs (source, mode, trigger, actor) VALUES ($1, 'import', 'upload', 'least') RETURNING id`,
    [SOURCE],
  )
  // Warm: what a long-running bridge has done before the upload (JIT, the pg and http connections).
  await http('GET', `${config.dhis2}/api/system/info`)
  console.log('ready')
  const lines = createInterface({ input: process.stdin })
  await new Promise<void>((resolve) => lines.once('line', () => resolve()))
  const posted = await run(config, mapper, db, rows[0]!.id)
  console.log(`done ${posted}`)
  // The connection's PostgreSQL backend lives until the parent has read its CPU: it ends when stdin does.
  await new Promise<void>((resolve) => lines.once('close', () => resolve()))
  await db.end()
  agent.destroy()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
