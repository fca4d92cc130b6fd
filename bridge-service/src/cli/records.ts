/**
 * `relais records [--source S] [--rc CODE] [--org-unit UID] [--period P] [--status S[,S…]] [--reason R]
 *  [--run ID] [--key K] [--page N] [--page-size N] [--json]` — find records (newest first, paged);
 * `relais records <id> [--json]` — one record with its history and DHIS2's messages.
 * Read-only: it opens the ledger, not Redis. Viewing a record (its payload) is audited as `record.view`,
 * as through the API.
 */
import { dhis2MessagesOf } from '../api/dhis2-messages'
import type { LedgerRepositories } from '../ledger'
import { isRecordStatus, RECORD_STATUSES, type RecordStatus } from '../ledger/record-status'
import type { RecordFilter } from '../ledger/records'
import { parseCli, UsageError, pageOptions, type CliIo } from './args'
import { lazy } from './lazy'
import { loadSettings } from './settings'
import { problemOf } from './problems'
import { formatTime, keyValues, table, toJson } from './table'

export const RECORDS_USAGE = `Usage: relais records [filters] [--page N] [--page-size N] [--json]
       relais records <id> [--json]

Filters (ANDed):
  --source S        a source of relais.config.yaml
  --rc CODE         the RC (community relay) code, e.g. RC-BO-00001
  --org-unit UID    the DHIS2 organisation unit uid
  --period P        the DHIS2 period, e.g. 202609
  --status S        ${RECORD_STATUSES.join(', ')} (several: quarantined,failed)
  --reason R        quarantine reason (invalid, conflict, duplicate, late) or discard reason
  --run ID          the records of one run
  --key K           the source key`

export function parseStatuses(text: string | undefined): RecordStatus[] | undefined {
  if (text === undefined) return undefined
  const list = text.split(',').map((s) => s.trim())
  const bad = list.find((s) => !isRecordStatus(s))
  if (bad !== undefined)
    throw new UsageError(`--status: unknown status "${bad}" (one of ${RECORD_STATUSES.join(', ')})`)
  return list as RecordStatus[]
}

export async function runRecordsCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  const { values, positionals } = parseCli(argv, {
    source: { type: 'string' },
    rc: { type: 'string' },
    'org-unit': { type: 'string' },
    period: { type: 'string' },
    status: { type: 'string' },
    reason: { type: 'string' },
    run: { type: 'string' },
    key: { type: 'string' },
    page: { type: 'string' },
    'page-size': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) {
    io.out(RECORDS_USAGE)
    return 0
  }
  if (positionals.length > 1)
    throw new UsageError(`unexpected argument "${positionals[1]}" — usage: relais records [<id>]`)
  const id = positionals[0]
  const filter: RecordFilter = {
    ...(values.source !== undefined ? { source: values.source } : {}),
    ...(values.rc !== undefined ? { rcCode: values.rc } : {}),
    ...(values['org-unit'] !== undefined ? { orgUnit: values['org-unit'] } : {}),
    ...(values.period !== undefined ? { period: values.period } : {}),
    ...(values.status !== undefined ? { status: parseStatuses(values.status) } : {}),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
    ...(values.run !== undefined ? { runId: values.run } : {}),
    ...(values.key !== undefined ? { sourceKey: values.key } : {}),
  }
  const { page, pageSize } = pageOptions(values)
  if (id !== undefined && (Object.keys(filter).length > 0 || values.page !== undefined))
    throw new UsageError('give a record id or filters, not both')

  const settings = loadSettings(env)

  const { openContext } = lazy<typeof import('./context')>('./context')
  const ctx = await openContext(env, settings)
  try {
    const repos = ctx.repos
    if (id !== undefined) return await showRecord(id, io, values.json, repos, ctx.actor)
    const list = await repos.records.search(filter, { page, pageSize })
    if (values.json) {
      io.out(toJson(list))
      return 0
    }
    const { pager } = list
    if (pager.total === 0) {
      io.out('No record matches.')
      return 0
    }
    io.out(
      table(list.items, [
        { header: 'id', value: (r) => r.id },
        { header: 'source', value: (r) => r.source },
        { header: 'source key', value: (r) => r.sourceKey, maxWidth: 28 },
        { header: 'status', value: (r) => r.status },
        { header: 'reason', value: (r) => r.reason, maxWidth: 24 },
        { header: 'period', value: (r) => r.period },
        { header: 'RC code', value: (r) => r.rcCode },
        { header: 'org unit', value: (r) => r.orgUnit },
        { header: 'tries', value: (r) => r.attempts },
        { header: 'updated', value: (r) => formatTime(r.updatedAt) },
        {
          header: 'problem',
          value: (r) => (r.status === 'quarantined' || r.status === 'failed' ? problemOf(r.lastError, r.reason) : ''),
          maxWidth: 60,
        },
      ]),
    )
    const from = (pager.page - 1) * pager.pageSize + 1
    io.out('')
    io.out(
      `Records ${from}–${from + list.items.length - 1} of ${pager.total} (page ${pager.page} of ${pager.pageCount})${pager.page < pager.pageCount ? `; next: --page ${pager.page + 1}` : ''}.`,
    )
    return 0
  } finally {
    await ctx.close()
  }
}

async function showRecord(
  id: string,
  io: CliIo,
  json: boolean,
  repos: LedgerRepositories,
  actor: { name: string; role: string },
): Promise<number> {
  const record = await repos.records.get(id)
  if (!record) {
    io.err(`relais records: no record ${id} in the ledger`)
    return 1
  }
  const [events, versions] = await Promise.all([
    repos.events.forRecord(record.id),
    repos.records.versions(record.source, record.sourceKey),
  ])
  const messages = dhis2MessagesOf(events, record.lastError)
  await repos.audit.append({
    actor: actor.name,
    role: actor.role,
    action: 'record.view',
    target: `record:${record.id}`,
  })
  if (json) {
    io.out(toJson({ record, history: events, dhis2Messages: messages, versions }))
    return 0
  }
  io.out(`Record ${record.id}`)
  io.out(
    keyValues([
      ['source', record.source],
      ['source key', record.sourceKey],
      ['version', record.version],
      ['status', record.reason ? `${record.status} (${record.reason})` : record.status],
      ['period', record.period ?? ''],
      ['RC code', record.rcCode ?? ''],
      ['org unit', record.orgUnit ?? ''],
      ['run', record.runId ?? ''],
      ['attempts', record.attempts],
      ['created', formatTime(record.createdAt)],
      ['updated', formatTime(record.updatedAt)],
      [
        'payload',
        record.payloadArchive
          ? `archived in archive/${record.payloadArchive} (relais retention show ${record.id})`
          : 'in the ledger',
      ],
      ...(record.status === 'quarantined' || record.status === 'failed'
        ? ([['problem', problemOf(record.lastError, record.reason)]] as [string, string][])
        : []),
    ]),
  )
  io.out('')
  io.out(`History (${events.length} events, oldest first):`)
  io.out(
    table(events, [
      { header: 'at', value: (e) => formatTime(e.at) },
      { header: 'from', value: (e) => e.fromStatus ?? '—' },
      { header: 'to', value: (e) => e.toStatus },
      { header: 'by', value: (e) => e.actor },
      { header: 'reason', value: (e) => e.reason, maxWidth: 40 },
      { header: 'detail', value: (e) => eventDetail(e.detail), maxWidth: 80 },
    ]),
  )
  io.out('')
  if (messages.length === 0) io.out('DHIS2 messages: none.')
  else {
    io.out(`DHIS2 messages (${messages.length}):`)
    io.out(
      table(messages, [
        { header: 'at', value: (m) => (m.at ? formatTime(new Date(m.at)) : 'last error') },
        { header: 'status', value: (m) => m.status },
        { header: 'code', value: (m) => m.errorCode },
        { header: 'data element', value: (m) => m.dataElement },
        { header: 'message', value: (m) => m.message, maxWidth: 100 },
      ]),
    )
  }
  if (versions.length > 1) {
    io.out('')
    io.out(`Versions of ${record.sourceKey} (${versions.length}, newest first):`)
    io.out(
      table(versions, [
        { header: 'id', value: (v) => v.id },
        { header: 'version', value: (v) => v.version, maxWidth: 40 },
        { header: 'status', value: (v) => v.status },
        { header: 'created', value: (v) => formatTime(v.createdAt) },
      ]),
    )
  }
  return 0
}

/** The detail of an event in one short line: errors first, then the rest as compact JSON. */
function eventDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return ''
  if (typeof detail === 'object' && !Array.isArray(detail)) {
    const d = detail as Record<string, unknown>
    if (Array.isArray(d.errors) && d.errors.length > 0) return problemOf(d)
    const problem = problemOf(d)
    if (problem) return problem
  }
  const text = JSON.stringify(detail)
  return text === '{}' ? '' : text
}
