/** `hmis_pushes` and `hmis_report_lines`: the national HMIS pushes and their reconciliation reports (issue 19 §2). */
import type { LineStatus, ReportLine, ReportMode } from '../hmis/reconcile'
import type { Db } from './db'
import { chunks, fromJson, json, toDate, toDateOrNull } from './sql'

export type HmisTrigger = 'cli' | 'api' | 'schedule'

export interface HmisPush {
  id: string
  mode: ReportMode
  period: string
  actor: string
  trigger: HmisTrigger
  specId: string
  specVersion: number
  nationalUrl: string
  status: 'running' | 'done' | 'failed'
  counts: Partial<Record<LineStatus, number>>
  importCounts: Record<string, number> | null
  error: string | null
  startedAt: Date
  finishedAt: Date | null
}

interface PushRow {
  id: string
  mode: ReportMode
  period: string
  actor: string
  trigger: HmisTrigger
  spec_id: string
  spec_version: number
  national_url: string
  status: HmisPush['status']
  counts: unknown
  import_counts: unknown
  error: string | null
  started_at: unknown
  finished_at: unknown
}

interface LineRow {
  period: string
  org_unit: string | null
  data_element: string | null
  national_org_unit: string | null
  national_data_element: string | null
  programme_value: string | null
  national_value: string | null
  status: LineStatus
  reason_en: string | null
  reason_fr: string | null
  conflict: string | null
}

const toPush = (r: PushRow): HmisPush => ({
  id: r.id,
  mode: r.mode,
  period: r.period,
  actor: r.actor,
  trigger: r.trigger,
  specId: r.spec_id,
  specVersion: Number(r.spec_version),
  nationalUrl: r.national_url,
  status: r.status,
  counts: fromJson<HmisPush['counts']>(r.counts) ?? {},
  importCounts: fromJson<Record<string, number>>(r.import_counts),
  error: r.error,
  startedAt: toDate(r.started_at),
  finishedAt: toDateOrNull(r.finished_at),
})

const toLine = (r: LineRow): ReportLine => ({
  period: r.period,
  ...(r.org_unit !== null ? { orgUnit: r.org_unit } : {}),
  ...(r.data_element !== null ? { dataElement: r.data_element } : {}),
  ...(r.national_org_unit !== null ? { nationalOrgUnit: r.national_org_unit } : {}),
  ...(r.national_data_element !== null ? { nationalDataElement: r.national_data_element } : {}),
  ...(r.programme_value !== null ? { programmeValue: r.programme_value } : {}),
  ...(r.national_value !== null ? { nationalValue: r.national_value } : {}),
  status: r.status,
  ...(r.reason_en !== null ? { reason: { en: r.reason_en, fr: r.reason_fr ?? r.reason_en } } : {}),
  ...(r.conflict !== null ? { conflict: r.conflict } : {}),
})

const PUSH_COLUMNS = `id, mode, period, actor, trigger, spec_id, spec_version, national_url, status, counts, import_counts,
  error, started_at, finished_at`

/**
 * A push runs inside the process that started it (the API answers 202 at once): if that process stops mid-way,
 * nothing else would ever close it. A national push takes seconds to a few minutes, so one still `running` after
 * this long was interrupted; it is closed as failed, saying so, the next time pushes are read or started.
 */
export const INTERRUPTED_AFTER_MINUTES = 30
export const INTERRUPTED_ERROR =
  'interrupted: the bridge stopped during the push; start it again / interrompu : la passerelle s’est arrêtée pendant l’envoi ; relancez-le'

export function hmisPushesRepository(db: Db) {
  const settleInterrupted = () =>
    db.query(
      `UPDATE hmis_pushes SET status = 'failed', finished_at = clock_timestamp(), error = $1
        WHERE status = 'running' AND started_at < clock_timestamp() - make_interval(mins => $2::int)`,
      [INTERRUPTED_ERROR, INTERRUPTED_AFTER_MINUTES],
    )
  return {
    async start(
      push: Pick<HmisPush, 'mode' | 'period' | 'actor' | 'trigger' | 'specId' | 'specVersion' | 'nationalUrl'>,
    ): Promise<string> {
      await settleInterrupted()
      const rows = await db.query<{ id: string }>(
        `INSERT INTO hmis_pushes (mode, period, actor, trigger, spec_id, spec_version, national_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [push.mode, push.period, push.actor, push.trigger, push.specId, push.specVersion, push.nationalUrl],
      )
      return rows[0]!.id
    },

    /** Keeps the report and closes the push, in one transaction: a push is done only with its whole report. */
    async finish(
      id: string,
      report: { lines: readonly ReportLine[]; counts: Record<string, number>; importCounts?: Record<string, number> },
    ): Promise<void> {
      await db.transaction(async (tx) => {
        let n = 0
        for (const part of chunks(report.lines, 500)) {
          const values: string[] = []
          const params: (string | number | null)[] = []
          for (const l of part) {
            const base = params.length
            values.push(`(${Array.from({ length: 13 }, (_, k) => `$${base + k + 1}`).join(', ')})`)
            params.push(
              id,
              n++,
              l.period,
              l.orgUnit ?? null,
              l.dataElement ?? null,
              l.nationalOrgUnit ?? null,
              l.nationalDataElement ?? null,
              l.programmeValue ?? null,
              l.nationalValue ?? null,
              l.status,
              l.reason?.en ?? null,
              l.reason?.fr ?? null,
              l.conflict ?? null,
            )
          }
          await tx.query(
            `INSERT INTO hmis_report_lines (push_id, line, period, org_unit, data_element, national_org_unit,
               national_data_element, programme_value, national_value, status, reason_en, reason_fr, conflict)
             VALUES ${values.join(', ')}`,
            params,
          )
        }
        await tx.query(
          `UPDATE hmis_pushes SET status = 'done', finished_at = clock_timestamp(), counts = $2::jsonb,
             import_counts = $3::jsonb WHERE id = $1`,
          [id, json(report.counts), json(report.importCounts)],
        )
      })
    },

    async fail(id: string, error: string): Promise<void> {
      await db.query(
        `UPDATE hmis_pushes SET status = 'failed', finished_at = clock_timestamp(), error = $2 WHERE id = $1`,
        [id, error.slice(0, 2000)],
      )
    },

    async get(id: string): Promise<HmisPush | undefined> {
      await settleInterrupted()
      const rows = await db.query<PushRow>(`SELECT ${PUSH_COLUMNS} FROM hmis_pushes WHERE id = $1`, [id])
      return rows[0] ? toPush(rows[0]) : undefined
    },

    /** The newest pushes first, optionally of one period. */
    async list(options: { period?: string; limit?: number } = {}): Promise<HmisPush[]> {
      await settleInterrupted()
      const limit = Math.min(Math.max(options.limit ?? 50, 1), 500)
      const rows = options.period
        ? await db.query<PushRow>(
            `SELECT ${PUSH_COLUMNS} FROM hmis_pushes WHERE period = $1 ORDER BY seq DESC LIMIT $2`,
            [options.period, limit],
          )
        : await db.query<PushRow>(`SELECT ${PUSH_COLUMNS} FROM hmis_pushes ORDER BY seq DESC LIMIT $1`, [limit])
      return rows.map(toPush)
    },

    async lines(id: string, status?: LineStatus): Promise<ReportLine[]> {
      const rows = await db.query<LineRow>(
        `SELECT period, org_unit, data_element, national_org_unit, national_data_element, programme_value,
           national_value, status, reason_en, reason_fr, conflict
         FROM hmis_report_lines WHERE push_id = $1 ${status ? 'AND status = $2' : ''} ORDER BY line`,
        status ? [id, status] : [id],
      )
      return rows.map(toLine)
    },

    /**
     * What the finished pushes of a period sent (and DHIS2's conflict when it refused it), newest push winning, by national key
     * (`period|orgUnit|DE.COC`): what a check compares the national instance with.
     */
    async lastSent(
      period: string,
    ): Promise<Map<string, { value: string; pushId: string; at: string; refused?: string }>> {
      const rows = await db.query<{
        national_org_unit: string
        national_data_element: string
        programme_value: string
        push_id: string
        finished_at: unknown
        conflict: string | null
      }>(
        `SELECT DISTINCT ON (l.national_org_unit, l.national_data_element)
           l.national_org_unit, l.national_data_element, l.programme_value, l.push_id, p.finished_at, l.conflict
         FROM hmis_report_lines l JOIN hmis_pushes p ON p.id = l.push_id
         WHERE p.mode = 'push' AND p.status = 'done' AND l.period = $1
           AND l.national_org_unit IS NOT NULL AND l.programme_value IS NOT NULL
         ORDER BY l.national_org_unit, l.national_data_element, p.seq DESC`,
        [period],
      )
      return new Map(
        rows.map((r) => [
          `${period}|${r.national_org_unit}|${r.national_data_element}`,
          {
            value: r.programme_value,
            pushId: r.push_id,
            at: toDate(r.finished_at).toISOString().slice(0, 16),
            ...(r.conflict !== null ? { refused: r.conflict } : {}),
          },
        ]),
      )
    },
  }
}

export type HmisPushesRepository = ReturnType<typeof hmisPushesRepository>
