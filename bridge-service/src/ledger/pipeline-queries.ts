/**
 * The few reads and writes the pipeline needs that the ledger's repositories do not offer (bulk loads by id,
 * version chains, a run's detail). Kept here, as plain SQL over the same tables and in the same style
 * (`$n` parameters, JSON through `::jsonb`), so that src/ledger/ stays as it is; each could move there.
 */
import type { Db } from '.'
import { StateConflictError } from '../pipeline/services'
import type { LedgerRecord } from './records'
import type { RecordStatus } from './record-status'
import { holdersOf, parseHeldKey, type DataValueKey, type HeldRow } from './imported-values'

/** The part of a ledger record the workers read (a bulk load skips the list-only columns). */
export type PipelineRecord = Pick<
  LedgerRecord,
  | 'id'
  | 'source'
  | 'sourceKey'
  | 'version'
  | 'contentHash'
  | 'status'
  | 'reason'
  | 'raw'
  | 'mapped'
  | 'runId'
  | 'attempts'
  | 'updatedAt'
>

interface Row {
  id: string
  source: string
  source_key: string
  version: string
  content_hash: string
  status: RecordStatus
  reason: string | null
  raw: unknown
  mapped: unknown
  run_id: string | null
  attempts: number
  updated_at: unknown
}

/**
 * Records by id, in the order of `ids` (unknown ids are left out). `payload` leaves out the payload a stage
 * does not read (answered as null): the map stage reads `raw`, the push stage `mapped` — each several kB of
 * JSON to parse per record.
 */
export async function loadRecords(
  db: Db,
  ids: readonly string[],
  payload: 'raw' | 'mapped' | 'both' | 'none' = 'both',
): Promise<PipelineRecord[]> {
  if (ids.length === 0) return []
  const raw = payload === 'mapped' || payload === 'none' ? 'NULL AS raw' : 'raw'
  const mapped = payload === 'raw' || payload === 'none' ? 'NULL AS mapped' : 'mapped'
  const rows = await db.query<Row>(
    `SELECT id, source, source_key, version, content_hash, status, reason, ${raw}, ${mapped}, run_id, attempts,
            updated_at
       FROM records WHERE id = ANY($1::text[])`,
    [ids],
  )
  return inOrderOf(
    ids,
    rows.map((r): PipelineRecord => ({
      id: r.id,
      source: r.source,
      sourceKey: r.source_key,
      version: r.version,
      contentHash: r.content_hash,
      status: r.status,
      reason: r.reason,
      raw: r.raw ?? null,
      mapped: r.mapped ?? null,
      runId: r.run_id,
      attempts: r.attempts,
      updatedAt: new Date(r.updated_at as string),
    })),
  )
}

/** The items in the order of `ids`, those of unknown ids left out. */
function inOrderOf<T extends { readonly id: string }>(ids: readonly string[], items: readonly T[]): T[] {
  const byId = new Map(items.map((item) => [item.id, item]))
  return ids.flatMap((id) => {
    const item = byId.get(id)
    return item ? [item] : []
  })
}

/**
 * What the completion stage reads of each record (completion.ts `completionWork`): its status and the head of
 * its mapped payload — data set, org unit, period, note, `completion`, and the first value's attribute option
 * combo — never the values themselves. Reading and parsing every payload whole, for those few fields, cost the
 * completion stage as much as the push stage's own read (issue 18). Both stored shapes: compact `values`
 * ([data element, COC, AOC, value]) and DHIS2's `dataValues` (payload.ts).
 */
export interface CompletionHead {
  readonly id: string
  readonly status: RecordStatus
  readonly reason: string | null
  readonly dataSet: string | null
  readonly orgUnit: string | null
  readonly period: string | null
  readonly note: string | null
  readonly completion: { readonly partial?: boolean; readonly submittedAt?: string } | null
  readonly attributeOptionCombo: string | null
}

export async function loadCompletionHeads(db: Db, ids: readonly string[]): Promise<CompletionHead[]> {
  if (ids.length === 0) return []
  const rows = await db.query<{
    id: string
    status: RecordStatus
    reason: string | null
    data_set: string | null
    org_unit: string | null
    period: string | null
    note: string | null
    completion: CompletionHead['completion']
    aoc: string | null
  }>(
    `SELECT id, status, reason, mapped->>'dataSet' AS data_set, mapped->>'orgUnit' AS org_unit,
            mapped->>'period' AS period, mapped->>'note' AS note, mapped->'completion' AS completion,
            COALESCE(mapped->'values'->0->>2, mapped->'values'->0->>'attributeOptionCombo',
                     mapped->'dataValues'->0->>'attributeOptionCombo') AS aoc
       FROM records WHERE id = ANY($1::text[])`,
    [ids],
  )
  return inOrderOf(
    ids,
    rows.map((r): CompletionHead => ({
      id: r.id,
      status: r.status,
      reason: r.reason,
      dataSet: r.data_set,
      orgUnit: r.org_unit,
      period: r.period,
      note: r.note,
      completion: r.completion ?? null,
      attributeOptionCombo: r.aoc,
    })),
  )
}

/** Fills the searchable columns once a record is mapped (org unit UID, period, RC code). */
export async function setMappedFields(
  db: Db,
  items: readonly { id: string; period: string | null; orgUnit: string | null; rcCode: string | null }[],
): Promise<void> {
  if (items.length === 0) return
  await db.query(
    `UPDATE records r SET period = COALESCE(t.period, r.period), org_unit = COALESCE(t.org_unit, r.org_unit),
            rc_code = COALESCE(t.rc_code, r.rc_code)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, period, org_unit, rc_code)
      WHERE r.id = t.id`,
    [items.map((i) => i.id), items.map((i) => i.period), items.map((i) => i.orgUnit), items.map((i) => i.rcCode)],
  )
}

/**
 * Of `ids`, those a newer version of the same source record (same source and source key, stored later, by
 * another run) replaces. Versions within one run are the batch checks' business (mapBatch), not this; a dry
 * run's versions replace nothing.
 */
export async function supersededIds(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db.query<{ id: string; newer: string }>(
    `SELECT r.id, (SELECT n.id FROM records n
                    WHERE n.source = r.source AND n.source_key = r.source_key AND n.seq > r.seq
                      AND n.run_id IS DISTINCT FROM r.run_id AND n.version NOT LIKE 'dry-run:%'
                    ORDER BY n.seq DESC LIMIT 1) AS newer
       FROM records r WHERE r.id = ANY($1::text[])`,
    [ids],
  )
  return new Map(rows.filter((r) => r.newer !== null).map((r) => [r.id, r.newer]))
}

/** Older versions of these records still waiting in quarantine (a newer version makes them moot). */
export async function quarantinedOlderVersions(
  db: Db,
  ids: readonly string[],
): Promise<{ id: string; newer: string }[]> {
  if (ids.length === 0) return []
  // Per record, its own versions through the (source, source_key, version) index. `OFFSET 0` keeps the
  // subquery from being flattened into a join, which the planner may answer by reading every quarantined
  // record (records_status_idx) — a cost that grew with the quarantine (1M-row bench).
  return db.query<{ id: string; newer: string }>(
    `SELECT o.id, r.id AS newer FROM records r
       CROSS JOIN LATERAL (SELECT o.id FROM records o
                            WHERE o.source = r.source AND o.source_key = r.source_key AND o.seq < r.seq
                              AND o.status = 'quarantined' OFFSET 0) o
      WHERE r.id = ANY($1::text[]) AND r.version NOT LIKE 'dry-run:%'`,
    [ids],
  )
}

/**
 * What DHIS2 holds from older versions of these records: per new record id, the keys imported from them and
 * still theirs (no later import took the key over). Found by the older versions' ids — wherever their values
 * went, also under an org unit or period they no longer carry — then judged against every row of those org
 * units × periods (the newest row of a key holds it).
 */
export async function valuesOfOlderVersions(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, (DataValueKey & { contentHash: string })[]>> {
  const out = new Map<string, (DataValueKey & { contentHash: string })[]>()
  if (ids.length === 0) return out
  const older = await db.query<{ id: string; old_id: string }>(
    `SELECT r.id, o.id AS old_id
       FROM records r
       CROSS JOIN LATERAL (SELECT o.id FROM records o
                            WHERE o.source = r.source AND o.source_key = r.source_key AND o.seq < r.seq
                           OFFSET 0) o
      WHERE r.id = ANY($1::text[])`,
    [ids],
  )
  if (older.length === 0) return out
  const olderIds = new Set(older.map((o) => o.old_id))
  const rows = await db.query<HeldRow>(
    `WITH pairs AS (SELECT DISTINCT org_unit, period FROM imported_sets WHERE record_id = ANY($1::text[]))
     SELECT s.org_unit, s.period, s.record_id, s.source, s.held
       FROM pairs p JOIN imported_sets s ON s.org_unit = p.org_unit AND s.period = p.period
      ORDER BY s.seq`,
    [[...olderIds]],
  )
  if (rows.length === 0) return out
  // Per older version, the keys it still holds.
  const held = new Map<string, (DataValueKey & { contentHash: string })[]>()
  for (const holders of holdersOf(rows).values())
    for (const [key, holder] of holders) {
      if (holder.recordId === null || !olderIds.has(holder.recordId)) continue
      const parsed = parseHeldKey(key)
      if (parsed === undefined) continue
      const list = held.get(holder.recordId) ?? []
      list.push({ ...parsed, orgUnit: holder.orgUnit, period: holder.period, contentHash: holder.contentHash })
      held.set(holder.recordId, list)
    }
  for (const { id, old_id } of older) {
    const keys = held.get(old_id)
    if (keys !== undefined) out.set(id, [...(out.get(id) ?? []), ...keys])
  }
  return out
}

/** The ids of a run's records in some statuses. */
export async function recordIdsOfRun(db: Db, runId: string, statuses: readonly RecordStatus[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM records WHERE run_id = $1 AND status = ANY($2::text[]) ORDER BY seq`,
    [runId, statuses],
  )
  return rows.map((r) => r.id)
}

/**
 * The raw payloads of a run's records, in arrival order (to replay a source's last input). A run whose payloads
 * went to the archive (retention) cannot be replayed from the ledger: refused, rather than replayed in part.
 */
export async function rawsOfRun(db: Db, runId: string): Promise<unknown[]> {
  const rows = await db.query<{ raw: unknown; payload_archive: string | null }>(
    `SELECT raw, payload_archive FROM records WHERE run_id = $1 ORDER BY seq`,
    [runId],
  )
  const archived = rows.find((r) => r.payload_archive !== null)
  if (archived)
    throw new StateConflictError(
      `the payloads of run ${runId} are archived (archive/${archived.payload_archive}): send the file again to read it again`,
    )
  return rows.map((r) => r.raw)
}

/** Merges keys into a run's detail (intake finished, file summary, preview…). */
export async function patchRunDetail(db: Db, runId: string, detail: Record<string, unknown>): Promise<void> {
  await db.query(`UPDATE runs SET detail = detail || $2::jsonb WHERE id = $1`, [runId, JSON.stringify(detail)])
}

/** Running upload runs whose spooled file is not read yet and whose reader's last heartbeat is before `silentSince`. */
export async function unreadUploadRunIds(db: Db, silentSince: Date): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM runs WHERE status = 'running' AND detail->>'spool' IS NOT NULL AND detail->>'intake' IS NULL
        AND (detail->>'spoolBeat' IS NULL OR (detail->>'spoolBeat')::timestamptz < $1::timestamptz)
      ORDER BY seq`,
    [silentSince.toISOString()],
  )
  return rows.map((r) => r.id)
}

/** Which of these spool paths a run still points at (`detail.spool`; cleared once the run has read its file). */
export async function spoolsInUse(db: Db, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set()
  const rows = await db.query<{ spool: string }>(
    `SELECT DISTINCT detail->>'spool' AS spool FROM runs WHERE detail->>'spool' = ANY($1::text[])`,
    [paths],
  )
  return new Set(rows.map((r) => r.spool))
}

/** Ids of the runs still running. */
export async function runningRunIds(db: Db): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM runs WHERE status = 'running' ORDER BY seq`)
  return rows.map((r) => r.id)
}

/** In-flight (received, mapped) records of a run. */
export async function inFlightCount(db: Db, runId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM records WHERE run_id = $1 AND status IN ('received', 'mapped')`,
    [runId],
  )
  return row?.n ?? 0
}

/** The id of the newest (non-preview) version of each of these source keys of a source. */
export async function newestVersionIds(db: Db, source: string, sourceKeys: readonly string[]): Promise<string[]> {
  if (sourceKeys.length === 0) return []
  const rows = await db.query<{ id: string }>(
    `SELECT DISTINCT ON (source_key) id FROM records
      WHERE source = $1 AND source_key = ANY($2::text[]) AND version NOT LIKE 'dry-run:%'
      ORDER BY source_key, seq DESC`,
    [source, sourceKeys],
  )
  return rows.map((r) => r.id)
}

/** Kobo sweep input: `_id` → `_uuid` of the newest version we hold of each submission of a source. */
export async function knownKoboVersions(db: Db, source: string): Promise<Map<number, string>> {
  const rows = await db.query<{ source_key: string; uuid: string | null }>(
    `SELECT DISTINCT ON (source_key) source_key, raw->>'_uuid' AS uuid
       FROM records WHERE source = $1 AND version NOT LIKE 'dry-run:%'
      ORDER BY source_key, seq DESC`,
    [source],
  )
  const known = new Map<number, string>()
  for (const r of rows) {
    const id = Number(r.source_key)
    if (Number.isSafeInteger(id) && r.uuid) known.set(id, r.uuid)
  }
  return known
}
