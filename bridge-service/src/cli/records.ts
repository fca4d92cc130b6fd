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
import { parseCli, UsageError, pageOptions, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { lazy } from './lazy'
import { loadSettings } from './settings'
import { problemOf } from './problems'
import { formatTime, keyValues, plural, table, toJson } from './table'

export const RECORDS_USAGE = `Usage: relais records [filters] [--page N] [--page-size N] [--json] [--locale fr|en]
       relais records <id> [--json] [--locale fr|en]

Filters (ANDed):
  --source S        a source of relais.config.yaml
  --rc CODE         the RC (community relay) code, e.g. RC-BO-00001
  --org-unit UID    the DHIS2 organisation unit uid
  --period P        the DHIS2 period, e.g. 202609
  --status S        ${RECORD_STATUSES.join(', ')} (several: quarantined,failed)
  --reason R        quarantine reason (invalid, conflict, duplicate, late) or discard reason
  --run ID          the records of one run
  --key K           the source key

Prints in French unless --locale en (--json is the same in both).`

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
    ...LOCALE_OPTION,
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) {
    io.out(RECORDS_USAGE)
    return 0
  }
  const fr = localeOf(values) === 'fr'
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
    if (id !== undefined) return await showRecord(id, io, values.json, repos, ctx.actor, fr)
    const list = await repos.records.search(filter, { page, pageSize })
    if (values.json) {
      io.out(toJson(list))
      return 0
    }
    const { pager } = list
    if (pager.total === 0) {
      io.out(fr ? 'Aucun enregistrement ne correspond.' : 'No record matches.')
      return 0
    }
    io.out(
      table(list.items, [
        { header: 'id', value: (r) => r.id },
        { header: 'source', value: (r) => r.source },
        { header: fr ? 'clé source' : 'source key', value: (r) => r.sourceKey, maxWidth: 28 },
        { header: fr ? 'statut' : 'status', value: (r) => r.status },
        { header: fr ? 'motif' : 'reason', value: (r) => r.reason, maxWidth: 24 },
        { header: fr ? 'période' : 'period', value: (r) => r.period },
        { header: fr ? 'code RC' : 'RC code', value: (r) => r.rcCode },
        { header: fr ? 'unité d’org.' : 'org unit', value: (r) => r.orgUnit },
        { header: fr ? 'essais' : 'tries', value: (r) => r.attempts },
        { header: fr ? 'mis à jour' : 'updated', value: (r) => formatTime(r.updatedAt) },
        {
          header: fr ? 'problème' : 'problem',
          value: (r) => (r.status === 'quarantined' || r.status === 'failed' ? problemOf(r.lastError, r.reason) : ''),
          maxWidth: 60,
        },
      ]),
    )
    const from = (pager.page - 1) * pager.pageSize + 1
    io.out('')
    const to = from + list.items.length - 1
    const next = pager.page < pager.pageCount ? pager.page + 1 : undefined
    io.out(
      fr
        ? `Enregistrements ${from}–${to} sur ${pager.total} (page ${pager.page} sur ${pager.pageCount})${next ? ` ; suivante : --page ${next}` : ''}.`
        : `Records ${from}–${to} of ${pager.total} (page ${pager.page} of ${pager.pageCount})${next ? `; next: --page ${next}` : ''}.`,
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
  fr: boolean,
): Promise<number> {
  const record = await repos.records.get(id)
  if (!record) {
    io.err(
      fr
        ? `relais records : aucun enregistrement ${id} dans le registre`
        : `relais records: no record ${id} in the ledger`,
    )
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
  io.out(`${fr ? 'Enregistrement' : 'Record'} ${record.id}`)
  io.out(
    keyValues([
      ['source', record.source],
      [fr ? 'clé source' : 'source key', record.sourceKey],
      ['version', record.version],
      [fr ? 'statut' : 'status', record.reason ? `${record.status} (${record.reason})` : record.status],
      [fr ? 'période' : 'period', record.period ?? ''],
      [fr ? 'code RC' : 'RC code', record.rcCode ?? ''],
      [fr ? 'unité d’org.' : 'org unit', record.orgUnit ?? ''],
      ['run', record.runId ?? ''],
      [fr ? 'tentatives' : 'attempts', record.attempts],
      [fr ? 'créé' : 'created', formatTime(record.createdAt)],
      [fr ? 'mis à jour' : 'updated', formatTime(record.updatedAt)],
      [
        fr ? 'charge utile' : 'payload',
        record.payloadArchive
          ? `${fr ? 'archivée dans' : 'archived in'} archive/${record.payloadArchive} (relais retention show ${record.id})`
          : fr
            ? 'dans le registre'
            : 'in the ledger',
      ],
      ...(record.status === 'quarantined' || record.status === 'failed'
        ? ([[fr ? 'problème' : 'problem', problemOf(record.lastError, record.reason)]] as [string, string][])
        : []),
    ]),
  )
  io.out('')
  io.out(
    fr
      ? `Historique (${plural(events.length, 'événement', 'événements', true)}, du plus ancien au plus récent) :`
      : `History (${events.length} events, oldest first):`,
  )
  io.out(
    table(events, [
      { header: fr ? 'le' : 'at', value: (e) => formatTime(e.at) },
      { header: fr ? 'de' : 'from', value: (e) => e.fromStatus ?? '—' },
      { header: fr ? 'vers' : 'to', value: (e) => e.toStatus },
      { header: fr ? 'par' : 'by', value: (e) => e.actor },
      { header: fr ? 'motif' : 'reason', value: (e) => e.reason, maxWidth: 40 },
      { header: fr ? 'détail' : 'detail', value: (e) => eventDetail(e.detail), maxWidth: 80 },
    ]),
  )
  io.out('')
  if (messages.length === 0) io.out(fr ? 'Messages de DHIS2 : aucun.' : 'DHIS2 messages: none.')
  else {
    io.out(fr ? `Messages de DHIS2 (${messages.length}) :` : `DHIS2 messages (${messages.length}):`)
    io.out(
      table(messages, [
        {
          header: fr ? 'le' : 'at',
          value: (m) => (m.at ? formatTime(new Date(m.at)) : fr ? 'dernière erreur' : 'last error'),
        },
        { header: fr ? 'statut' : 'status', value: (m) => m.status },
        { header: 'code', value: (m) => m.errorCode },
        { header: fr ? 'élément de données' : 'data element', value: (m) => m.dataElement },
        // DHIS2's own words, as DHIS2 gave them.
        { header: 'message', value: (m) => m.message, maxWidth: 100 },
      ]),
    )
  }
  if (versions.length > 1) {
    io.out('')
    io.out(
      fr
        ? `Versions de ${record.sourceKey} (${versions.length}, de la plus récente à la plus ancienne) :`
        : `Versions of ${record.sourceKey} (${versions.length}, newest first):`,
    )
    io.out(
      table(versions, [
        { header: 'id', value: (v) => v.id },
        { header: 'version', value: (v) => v.version, maxWidth: 40 },
        { header: fr ? 'statut' : 'status', value: (v) => v.status },
        { header: fr ? 'créée' : 'created', value: (v) => formatTime(v.createdAt) },
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
