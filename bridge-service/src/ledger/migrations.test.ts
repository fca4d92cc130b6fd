/**
 * Upgrades (issue 17 §5): a ledger left by any older bridge reaches the newest schema with nothing lost.
 *
 * For each migration N, on PostgreSQL and on PGlite: an empty ledger is migrated up to N only, filled with rows
 * such as the bridge of that version wrote in every table it had, then migrated to the newest. Then:
 * - every row is still there with every value (a migration that drops a column, a table or rewrites values fails);
 * - the columns added since N hold, in the old rows, what their migration documents (NEW_COLUMN_VALUES);
 * - the schema is exactly a new ledger's (columns, defaults, constraints, indexes) and holds NEWEST_SCHEMA;
 * - the repositories read the migrated rows, and write after them (sequences, unique keys, checks).
 * The last test runs the same checks over a deliberately lossy migration, to show that they can fail.
 */
jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('./test-support')>('./test-support').nativePglite(),
)

import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bridgeSecretsRepository } from './bridge-secrets'
import type { Db, SqlParam } from './db'
import { valueKey } from './imported-values'
import { repositories } from './index'
import { describeMigration, migrate, MigrationError, MIGRATIONS_DIR, planMigrations, readMigrations } from './migrate'
import { securityReportsRepository } from './security-reports'
import { TEST_DATABASES, type TestDatabase } from './test-support'

jest.setTimeout(120_000)

/** The migration numbers, read at collection time (describe.each needs them before any hook runs). */
const VERSIONS = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((f) => /^\d{3,}_[a-z0-9_]+\.sql$/.test(f))
  .sort()
  .map((f) => f.split('_')[0]!)
const LATEST = VERSIONS.at(-1)!

// ---------------------------------------------------------------------------------------------------------------
// What the newest schema must hold, whatever the path to it.

/** Constraints and indexes (by name) the repositories rely on: ON CONFLICT targets, checks, searches. */
const NEWEST_SCHEMA: Record<string, readonly string[]> = {
  runs: [
    'runs_pkey',
    'runs_mode_check',
    'runs_status_check',
    'runs_finished_when_ended',
    'runs_seq_idx',
    'runs_source_idx',
    'runs_running_idx',
    'runs_finished_idx',
  ],
  records: [
    'records_pkey',
    'records_status_check',
    'records_attempts_check',
    'records_quarantine_reason',
    'records_discard_reason',
    'records_run_id_fkey',
    'records_source_key_version_key',
    'records_seq_idx',
    'records_source_key_idx',
    'records_rc_code_idx',
    'records_org_unit_period_idx',
    'records_period_idx',
    'records_status_idx',
    'records_run_status_idx',
    'records_in_flight_idx',
  ],
  record_events: [
    'record_events_pkey',
    'record_events_record_id_fkey',
    'record_events_record_idx',
    'record_events_completion_idx',
  ],
  source_cursors: ['source_cursors_pkey'],
  imported_sets: ['imported_sets_org_unit_period_idx', 'imported_sets_record_idx'],
  audit_log: ['audit_log_pkey', 'audit_log_seq_idx', 'audit_log_at_idx', 'audit_log_actor_idx', 'audit_log_target_idx'],
  metadata_snapshots: ['metadata_snapshots_pkey', 'metadata_snapshots_seq_idx'],
  webhook_deliveries: ['webhook_deliveries_pkey', 'webhook_deliveries_received_at_idx'],
  reminder_sends: [
    'reminder_sends_pkey',
    'reminder_sends_kind_check',
    'reminder_sends_channel_check',
    'reminder_sends_status_check',
    'reminder_sends_once',
    'reminder_sends_period',
    'reminder_sends_failed',
    'reminder_sends_pending',
    'reminder_sends_delivery_open',
  ],
  security_reports: ['security_reports_pkey'],
  bridge_secrets: [
    'bridge_secrets_pkey',
    'bridge_secrets_kind_check',
    'bridge_secrets_action_check',
    'bridge_secrets_kind',
  ],
  outbound_deliveries: [
    'outbound_deliveries_pkey',
    'outbound_deliveries_event_check',
    'outbound_deliveries_status_check',
    'outbound_deliveries_attempts_check',
    'outbound_deliveries_round_check',
    'outbound_deliveries_once',
    'outbound_deliveries_seq_idx',
    'outbound_deliveries_status_idx',
    'outbound_deliveries_pending_idx',
  ],
  outbound_cursors: ['outbound_cursors_pkey'],
  hmis_pushes: ['hmis_pushes_pkey', 'hmis_pushes_mode_check', 'hmis_pushes_seq_idx', 'hmis_pushes_period_idx'],
  hmis_report_lines: ['hmis_report_lines_pkey', 'hmis_report_lines_push_id_fkey', 'hmis_report_lines_status_idx'],
  tracing_cases: [
    'tracing_cases_pkey',
    'tracing_cases_pseudonym_key',
    'tracing_cases_tracing_code_key',
    'tracing_cases_event_uid_key',
    'tracing_cases_status_check',
    'tracing_cases_outcome_when_read',
    'tracing_cases_seq_idx',
    'tracing_cases_status_idx',
    'tracing_cases_due_idx',
  ],
  tracing_lists: ['tracing_lists_pkey', 'tracing_lists_site_idx'],
  tracing_cursors: ['tracing_cursors_pkey'],
  schema_migrations: ['schema_migrations_pkey'],
}

/** When the migration ran: what a column added with `DEFAULT now()` gives the rows it finds. */
interface UpgradeWindow {
  readonly start: Date
  readonly end: Date
}

/**
 * Columns added to a table that already had rows: what those rows must hold afterwards, as the migration says.
 * A new column missing here fails the test: say what the old rows get (and check the migration gives it).
 */
const NEW_COLUMN_VALUES: Record<
  string,
  { readonly says: string; holds(value: unknown, upgrade: UpgradeWindow): boolean }
> = {
  'reminder_sends.touched_at': {
    says: '007: NOT NULL DEFAULT now(), the time of the upgrade',
    holds: (value, upgrade) => {
      const at = typeof value === 'string' ? new Date(value).getTime() : NaN
      return at >= upgrade.start.getTime() && at <= upgrade.end.getTime()
    },
  },
  'reminder_sends.sms_id': { says: '008: NULL until the next delivery check', holds: (value) => value === null },
  'reminder_sends.delivery': { says: '008: NULL until the next delivery check', holds: (value) => value === null },
  'reminder_sends.delivery_checked_at': { says: '008: NULL, never checked', holds: (value) => value === null },
  'records.payload_archive': {
    says: '011: NULL, the payload is still in the ledger',
    holds: (value) => value === null,
  },
}

interface TableState {
  readonly columns: readonly string[]
  readonly rows: readonly Record<string, unknown>[]
}
type LedgerState = ReadonlyMap<string, TableState>

/**
 * Tables a migration replaced, and where their rows went. 003 turned `imported_values` (one row per value) into
 * `imported_sets` (one row per record: "<data element>.<COC>.<AOC>:<hash>" joined by ",").
 */
const FOLDED: Record<string, (rows: readonly Record<string, unknown>[], after: LedgerState) => string[]> = {
  imported_values: (rows, after) => {
    const sets = after.get('imported_sets')?.rows ?? []
    return rows.flatMap((v) => {
      const held = `${v.data_element}.${v.category_option_combo}.${v.attribute_option_combo}:${v.content_hash}`
      const found = sets.some(
        (s) =>
          s.org_unit === v.org_unit &&
          s.period === v.period &&
          s.record_id === v.record_id &&
          s.source === v.source &&
          String(s.held).split(',').includes(held),
      )
      return found ? [] : [`imported_values: ${held} of ${v.org_unit}/${v.period} is not in imported_sets`]
    })
  },
}

// ---------------------------------------------------------------------------------------------------------------
// Rows as a bridge of version N wrote them: every table of N, the statuses and shapes its code produced.

const RUN_IMPORT = '5b0f8c1e-2d4a-4c7e-9a51-0c3f2e7d1a01'
const RUN_DRY = '5b0f8c1e-2d4a-4c7e-9a51-0c3f2e7d1a02'
const RUN_FAILED = '5b0f8c1e-2d4a-4c7e-9a51-0c3f2e7d1a03'
const REC_IMPORTED = '9e2d7a40-61b3-4f0a-8c2e-7d5b1f3a2b01'
const REC_INVALID = '9e2d7a40-61b3-4f0a-8c2e-7d5b1f3a2b02'
const REC_DISCARDED = '9e2d7a40-61b3-4f0a-8c2e-7d5b1f3a2b03'
const REC_DRY = '9e2d7a40-61b3-4f0a-8c2e-7d5b1f3a2b04'
const REC_FAILED = '9e2d7a40-61b3-4f0a-8c2e-7d5b1f3a2b05'
const REC_OVERWRITE = '9e2d7a40-61b3-4f0a-8c2e-7d5b1f3a2b06'

const KOBO = 'kobo-atlantique'
const CSV = 'fichier-partenaire'
const OU = 'OuRcAq00041'
const OTHER_OU = 'OuRcAq00042'
const COC = 'HllvX50cXC0'
const sha = (text: string) => createHash('sha256').update(text).digest('hex')

/** What DHIS2 holds from us: per value, its key, content hash, record and source. */
const HELD = [
  { de: 'DeVihDep001', ou: OU, pe: '202602', hash: sha('12'), record: REC_IMPORTED, source: KOBO },
  { de: 'DeVihPos001', ou: OU, pe: '202602', hash: sha('1'), record: REC_IMPORTED, source: KOBO },
  { de: 'DePalTdr001', ou: OU, pe: '202602', hash: sha('37'), record: REC_IMPORTED, source: KOBO },
  // a value of an earlier partner file, its record unknown (imported before records were linked)
  { de: 'DeVihDep001', ou: OTHER_OU, pe: '202601', hash: sha('8'), record: null, source: CSV },
] as const

const KOBO_RAW = {
  _id: 98231,
  _uuid: 'uuid:7d0b3f5e-a1c2-4e8b-9f60-2b7c4d1e8a90',
  _submission_time: '2026-03-01T01:59:58',
  rc: 'RC-AQ-00041',
  mois: '2026-02',
  patient: 'ps_3f9a6c0d2b7e41a8', // pseudonymised before the ledger
  vih: { depistes: 12, positifs: 1 },
  palu: { tdr: 37 },
  remarque: 'Village de Ségbé — « pluies », accès difficile ✓',
}

type Row = Record<string, unknown>

interface Fixture {
  /** Table → rows, in an order that satisfies the foreign keys. */
  readonly tables: readonly [string, readonly Row[]][]
}

function fixtureAt(version: number): Fixture {
  const tables: [string, Row[]][] = []
  const add = (table: string, rows: Row[]) => tables.push([table, rows])

  add('runs', [
    {
      id: RUN_IMPORT,
      source: KOBO,
      mode: 'import',
      trigger: 'schedule',
      status: 'completed',
      counts: { received: 0, mapped: 0, imported: 1, unchanged: 0, quarantined: 1, discarded: 1, failed: 1, total: 4 },
      detail: { form: 'aQ7xKoboMensuel', pulled: 4 },
      actor: 'scheduler',
      started_at: '2026-03-01T02:00:00.000Z',
      finished_at: '2026-03-01T02:03:10.250Z',
    },
    {
      id: RUN_DRY,
      source: CSV,
      mode: 'dry-run',
      trigger: 'upload',
      status: 'running',
      detail: { file: 'rapport-mars-ONG-Espérance.xlsx', sheet: 'Feuil1' },
      actor: 'gestionnaire',
      started_at: '2026-03-02T09:15:00.000Z',
    },
    {
      id: RUN_FAILED,
      source: KOBO,
      mode: 'import',
      trigger: 'api',
      status: 'failed',
      counts: null,
      detail: { error: 'DHIS2 answered 503 Service Unavailable' },
      actor: 'gestionnaire',
      started_at: '2026-03-01T08:00:00.000Z',
      finished_at: '2026-03-01T08:00:31.000Z',
    },
  ])

  const records: Row[] = [
    {
      id: REC_IMPORTED,
      source: KOBO,
      source_key: KOBO_RAW._uuid,
      version: 'vKx2a9',
      content_hash: sha(JSON.stringify(KOBO_RAW)),
      raw: KOBO_RAW,
      mapped: {
        dataSet: 'RelaisMens01',
        period: '202602',
        orgUnit: OU,
        completeDate: '2026-03-01',
        dataValues: HELD.slice(0, 3).map((h) => ({ dataElement: h.de, value: h.de === 'DePalTdr001' ? '37' : '12' })),
      },
      status: 'imported',
      period: '202602',
      org_unit: OU,
      rc_code: 'RC-AQ-00041',
      attempts: 1,
      run_id: RUN_IMPORT,
      created_at: '2026-03-01T02:00:05.000Z',
      updated_at: '2026-03-01T02:02:40.000Z',
    },
    {
      id: REC_INVALID,
      source: KOBO,
      source_key: 'uuid:0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
      version: 'vKx2a9',
      content_hash: sha('invalid'),
      raw: { _id: 98232, rc: 'RC-AQ-00042', mois: '2026-02', tb: { references: -3 } },
      mapped: { dataValues: [{ dataElement: 'DeTbRef001', value: '-3' }] },
      status: 'quarantined',
      reason: 'invalid',
      period: '202602',
      org_unit: OTHER_OU,
      rc_code: 'RC-AQ-00042',
      attempts: 1,
      last_error: { conflicts: [{ object: 'DeTbRef001', value: '-3', errorCode: 'E7619' }] },
      run_id: RUN_IMPORT,
      created_at: '2026-03-01T02:00:05.000Z',
      updated_at: '2026-03-01T02:02:41.000Z',
    },
    {
      id: REC_DISCARDED,
      source: KOBO,
      source_key: 'uuid:11111111-2222-4333-8444-555555555555',
      version: 'v1',
      content_hash: sha('discarded'),
      raw: { _id: 98230, rc: 'RC-AQ-00041', mois: '2026-02' },
      status: 'discarded',
      reason: 'doublon saisi deux fois par le superviseur',
      period: '202602',
      org_unit: OU,
      rc_code: 'RC-AQ-00041',
      attempts: 0,
      run_id: RUN_IMPORT,
      created_at: '2026-03-01T02:00:05.000Z',
      updated_at: '2026-03-01T10:12:00.000Z',
    },
    {
      id: REC_DRY,
      source: CSV,
      source_key: 'Feuil1!12',
      version: sha('row 12'),
      content_hash: sha('row 12'),
      raw: { Commune: 'Abomey-Calavi', RC: 'RC-AQ-00041', Mois: 'févr-26', 'Dépistés VIH': '14' },
      mapped: { dataValues: [{ dataElement: 'DeVihDep001', value: '14' }] },
      status: 'mapped',
      period: '202602',
      org_unit: OU,
      rc_code: 'RC-AQ-00041',
      run_id: RUN_DRY,
      created_at: '2026-03-02T09:15:02.000Z',
      updated_at: '2026-03-02T09:15:03.000Z',
    },
    {
      id: REC_FAILED,
      source: KOBO,
      source_key: 'uuid:66666666-7777-4888-9999-aaaaaaaaaaaa',
      version: 'v3',
      content_hash: sha('failed'),
      raw: { _id: 98229, rc: 'RC-AQ-00043' },
      status: 'failed',
      attempts: 5,
      last_error: { message: 'timeout after 30 s', status: null },
      run_id: RUN_FAILED,
      created_at: '2026-03-01T08:00:02.000Z',
      updated_at: '2026-03-01T08:00:31.000Z',
    },
  ]
  if (version >= 5) {
    // 005 added this quarantine reason: a person's value in DHIS2 the record would overwrite.
    records.push({
      id: REC_OVERWRITE,
      source: KOBO,
      source_key: 'uuid:bbbbbbbb-cccc-4ddd-8eee-ffffffffffff',
      version: 'v2',
      content_hash: sha('overwrite'),
      raw: { _id: 98240, rc: 'RC-AQ-00041', vih: { depistes: 13 } },
      mapped: { dataValues: [{ dataElement: 'DeVihDep001', value: '13' }] },
      status: 'quarantined',
      reason: 'overwrite',
      period: '202602',
      org_unit: OU,
      rc_code: 'RC-AQ-00041',
      attempts: 0,
      last_error: { storedBy: 'superviseur', value: '12' },
      run_id: RUN_IMPORT,
      created_at: '2026-03-01T02:00:06.000Z',
      updated_at: '2026-03-01T02:02:42.000Z',
    })
  }
  add('records', records)

  const event = (record: string, at: string, from: string | null, to: string, extra: Row = {}): Row => ({
    record_id: record,
    at,
    actor: 'pipeline',
    from_status: from,
    to_status: to,
    ...extra,
  })
  const events: Row[] = [
    event(REC_IMPORTED, '2026-03-01T02:00:05.000Z', null, 'received', { actor: `source:${KOBO}` }),
    event(REC_IMPORTED, '2026-03-01T02:01:00.000Z', 'received', 'mapped', { actor: 'pipeline:map' }),
    event(REC_IMPORTED, '2026-03-01T02:02:40.000Z', 'mapped', 'imported', {
      actor: 'pipeline:push',
      detail: { importCount: { imported: 3, updated: 0, ignored: 0 } },
    }),
    event(REC_INVALID, '2026-03-01T02:00:05.000Z', null, 'received', { actor: `source:${KOBO}` }),
    event(REC_INVALID, '2026-03-01T02:01:00.000Z', 'received', 'mapped'),
    event(REC_INVALID, '2026-03-01T02:02:41.000Z', 'mapped', 'quarantined', {
      reason: 'invalid',
      detail: { message: 'Value must be zero or a positive integer' },
    }),
    event(REC_DISCARDED, '2026-03-01T02:00:05.000Z', null, 'received'),
    event(REC_DISCARDED, '2026-03-01T02:01:00.000Z', 'received', 'mapped'),
    event(REC_DISCARDED, '2026-03-01T02:02:41.000Z', 'mapped', 'quarantined', { reason: 'duplicate' }),
    event(REC_DISCARDED, '2026-03-01T10:12:00.000Z', 'quarantined', 'discarded', {
      actor: 'gestionnaire',
      reason: 'doublon saisi deux fois par le superviseur',
    }),
    event(REC_DRY, '2026-03-02T09:15:02.000Z', null, 'received', { actor: 'upload:gestionnaire' }),
    event(REC_DRY, '2026-03-02T09:15:03.000Z', 'received', 'mapped', {
      detail: { diff: [{ dataElement: 'DeVihDep001', before: '12', after: '14', class: 'changed' }] },
    }),
    event(REC_FAILED, '2026-03-01T08:00:02.000Z', null, 'received'),
    event(REC_FAILED, '2026-03-01T08:00:31.000Z', 'received', 'failed', { detail: { attempts: 5 } }),
  ]
  if (version >= 5) {
    events.push(
      event(REC_OVERWRITE, '2026-03-01T02:00:06.000Z', null, 'received'),
      event(REC_OVERWRITE, '2026-03-01T02:02:42.000Z', 'received', 'quarantined', {
        reason: 'overwrite',
        detail: { replaces: [{ dataElement: 'DeVihDep001', value: '12', storedBy: 'superviseur' }] },
      }),
    )
  }
  add('record_events', events)

  add('source_cursors', [
    {
      source: KOBO,
      cursor: { submittedAfter: '2026-03-01T01:59:58', lastId: 98231 },
      updated_at: '2026-03-01T02:00:05.000Z',
    },
    { source: 'webhook-ong', cursor: ['2026-03-02', 17], updated_at: '2026-03-02T00:00:00.000Z' },
  ])

  if (version < 3) {
    add(
      'imported_values',
      HELD.map((h) => ({
        data_element: h.de,
        period: h.pe,
        org_unit: h.ou,
        category_option_combo: COC,
        attribute_option_combo: COC,
        content_hash: h.hash,
        record_id: h.record,
        source: h.source,
        imported_at: h.source === KOBO ? '2026-03-01T02:02:40.000Z' : '2026-02-05T11:00:00.000Z',
      })),
    )
  } else {
    // One row per record pushed, as imported-values.ts writes them since 003.
    const held = (rows: readonly (typeof HELD)[number][]) =>
      rows.map((h) => `${h.de}.${COC}.${COC}:${h.hash}`).join(',')
    add('imported_sets', [
      {
        org_unit: OTHER_OU,
        period: '202601',
        record_id: null,
        source: CSV,
        held: held(HELD.slice(3)),
        imported_at: '2026-02-05T11:00:00.000Z',
      },
      {
        org_unit: OU,
        period: '202602',
        record_id: REC_IMPORTED,
        source: KOBO,
        held: held(HELD.slice(0, 3)),
        imported_at: '2026-03-01T02:02:40.000Z',
      },
    ])
  }

  add('audit_log', [
    {
      at: '2026-03-01T08:00:00.000Z',
      actor: 'script-nuit',
      role: 'lecteur',
      action: 'run.start',
      target: `run:${RUN_FAILED}`,
      detail: { mode: 'import', source: KOBO },
    },
    {
      at: '2026-03-01T10:12:00.000Z',
      actor: 'gestionnaire',
      role: 'gestionnaire',
      action: 'quarantine.discard',
      target: `record:${REC_DISCARDED}`,
      detail: { reason: 'doublon saisi deux fois par le superviseur' },
    },
    { at: '2026-03-01T10:30:00.000Z', actor: 'relais-cli', action: 'metadata.refresh' },
  ])

  add('metadata_snapshots', [
    {
      fetched_at: '2026-02-28T23:00:00.000Z',
      snapshot: { dataSets: [{ id: 'RelaisMens01', code: 'RELAIS_MENSUEL', periodType: 'Monthly' }] },
    },
    {
      fetched_at: '2026-03-01T23:00:00.000Z',
      snapshot: {
        dataSets: [{ id: 'RelaisMens01', code: 'RELAIS_MENSUEL', periodType: 'Monthly' }],
        dataElements: HELD.slice(0, 3).map((h) => ({ id: h.de, valueType: 'INTEGER_ZERO_OR_POSITIVE' })),
      },
      drift: [{ code: 'VIH_PREP_INITIES', problem: 'unknown data element' }],
    },
  ])

  if (version >= 4) {
    add('webhook_deliveries', [
      {
        source: 'webhook-ong',
        signature: `t=1772409600,v1=${sha('delivery 1')}`,
        received_at: '2026-03-02T00:00:00.000Z',
      },
      {
        source: 'webhook-ong',
        signature: `t=1772409660,v1=${sha('delivery 2')}`,
        received_at: '2026-03-02T00:01:00.000Z',
      },
    ])
  }

  if (version >= 6) {
    const send = (extra: Row): Row => ({
      rule_id: 'rappel-j3',
      kind: 'reminder',
      period: '202602',
      org_unit: OU,
      zone: 'OuZsAq0001',
      recipient: 'UsrRcAq0041',
      channel: 'message',
      day: '2026-03-03',
      template: 'Bonjour {nom}, votre rapport de {mois} est attendu avant le {date_limite}.',
      created_at: '2026-03-03T07:00:00.000Z',
      // 007: the ticks' clock of a send; written with the row since then
      ...(version >= 7 ? { touched_at: '2026-03-03T07:00:02.000Z' } : {}),
      ...extra,
    })
    const sends = [
      send({
        status: 'sent',
        attempts: 1,
        answer: { httpStatus: 'Created', uid: 'MsgConv0001' },
        sent_at: '2026-03-03T07:00:02.000Z',
      }),
      send({
        channel: 'sms',
        status: 'failed',
        attempts: 2,
        subject: 'Rapport de février',
        text: 'Bonjour Adjovi, votre rapport de février 2026 est attendu avant le 5 mars.',
        error: 'DHIS2 answered 409: no default SMS gateway',
      }),
      send({ org_unit: OTHER_OU, recipient: 'UsrRcAq0042', kind: 'holdout', channel: 'none', status: 'held-out' }),
      send({
        rule_id: 'manuel',
        kind: 'manual',
        org_unit: OTHER_OU,
        recipient: 'UsrRcAq0042',
        status: 'pending',
        subject: 'Rapport de février',
        text: 'Merci de compléter votre rapport.',
        actor: 'superviseur',
      }),
    ]
    if (version >= 8) {
      sends.push(
        send({
          rule_id: 'rappel-j5',
          channel: 'sms',
          day: '2026-03-05',
          status: 'sent',
          attempts: 1,
          answer: { httpStatus: 'OK', message: 'SMS sent' },
          sent_at: '2026-03-05T07:00:03.000Z',
          sms_id: 'SmsOut00001',
          delivery: 'SENT',
          delivery_checked_at: '2026-03-05T07:10:00.000Z',
        }),
      )
    }
    add('reminder_sends', sends)
  }

  if (version >= 9) {
    add('security_reports', [
      {
        day: '2026-03-01',
        created_at: '2026-03-01T05:30:04.000Z',
        actor: 'scheduler',
        dhis2_version: '2.41.8',
        findings: [
          {
            key: 'privileged-without-two-factor:M5zQapPyTZI',
            code: 'privileged-without-two-factor',
            severity: 'high',
            subject: { kind: 'user', id: 'M5zQapPyTZI', name: 'admin' },
            detail: { authorities: ['ALL'] },
          },
        ],
        added: [],
        resolved: [],
      },
      {
        day: '2026-03-02',
        created_at: '2026-03-02T05:30:03.000Z',
        actor: 'scheduler',
        dhis2_version: '2.41.8',
        findings: [
          {
            key: 'account-dormant:xE7jOejl9FI',
            code: 'account-dormant',
            severity: 'medium',
            subject: { kind: 'user', id: 'xE7jOejl9FI', name: 'Chef Nord' },
            detail: { days: 120 },
          },
        ],
        added: ['account-dormant:xE7jOejl9FI'],
        resolved: [
          {
            key: 'privileged-without-two-factor:M5zQapPyTZI',
            code: 'privileged-without-two-factor',
            severity: 'high',
            subject: { kind: 'user', id: 'M5zQapPyTZI', name: 'admin' },
            detail: { authorities: ['ALL'] },
          },
        ],
        problems: ['la politique des mots de passe ne se lit pas : minPasswordLength absent'],
      },
    ])
  }

  if (version >= 10) {
    add('bridge_secrets', [
      {
        kind: 'route',
        name: 'route-2026-03',
        hash: sha('route-secret-next-0123456789abcdef0123'),
        expires: '2026-04-01',
        action: 'accept',
        created_at: '2026-03-01T09:00:00.000Z',
        created_by: 'administrateur',
      },
      {
        kind: 'api-key',
        name: 'script-nuit',
        role: 'lecteur',
        hash: sha('script-nuit'),
        action: 'revoke',
        created_at: '2026-03-01T09:05:00.000Z',
        created_by: 'administrateur',
      },
    ])
  }
  if (version >= 12) {
    add('outbound_deliveries', [
      {
        subscription: 'partenaire-fhi',
        event: 'run.finished',
        event_key: `run:${RUN_IMPORT}`,
        payload: { runId: RUN_IMPORT, source: KOBO, status: 'completed', counts: { imported: 1 } },
        status: 'delivered',
        attempts: 2,
        round: 0,
        last_status: 200,
        history: [
          { at: '2026-03-01T08:00:01.000Z', httpStatus: 503, error: 'HTTP 503' },
          { at: '2026-03-01T08:00:03.000Z', httpStatus: 200, error: null },
        ],
        created_at: '2026-03-01T08:00:00.000Z',
        delivered_at: '2026-03-01T08:00:03.000Z',
      },
    ])
    add('outbound_cursors', [{ kind: 'run.finished', position: '2026-03-01T08:00:00.000Z' }])
  }
  if (version >= 13) {
    // The national HMIS push (issue 19 §2): a push and two lines of its reconciliation report.
    add('hmis_pushes', [
      {
        id: 'hmis-push-0001',
        mode: 'push',
        period: '202602',
        actor: 'scheduler',
        trigger: 'schedule',
        spec_id: 'national-hmis',
        spec_version: 1,
        national_url: 'https://snis.example.org',
        status: 'done',
        counts: { match: 1, refused: 1 },
        import_counts: { imported: 1, updated: 0, ignored: 1, deleted: 0 },
        started_at: '2026-03-16T05:15:00.000Z',
        finished_at: '2026-03-16T05:15:09.000Z',
      },
    ])
    add('hmis_report_lines', [
      {
        push_id: 'hmis-push-0001',
        line: 0,
        period: '202602',
        org_unit: 'ZS-AQ-01',
        data_element: 'RC_VAD.default',
        national_org_unit: 'SNIGS-ZS-AQ01',
        national_data_element: 'SNIGS_SC_VAD.default',
        programme_value: '12',
        national_value: '12',
        status: 'match',
      },
      {
        push_id: 'hmis-push-0001',
        line: 1,
        period: '202602',
        org_unit: 'ZS-MO-04',
        data_element: 'RC_VAD.default',
        national_org_unit: 'SNIGS-ZS-MO04',
        national_data_element: 'SNIGS_SC_VAD.default',
        programme_value: '7',
        status: 'refused',
        reason_en: 'refused by the national DHIS2: Organisation unit not found or not accessible: `SNIGS-ZS-MO04`',
        reason_fr: 'refusé par le DHIS2 national : Organisation unit not found or not accessible: `SNIGS-ZS-MO04`',
        conflict: 'Organisation unit not found or not accessible: `SNIGS-ZS-MO04`',
      },
    ])
  }
  if (version >= 14) {
    // Tracing (issue 19 §3): a case whose outcome was sent, with its pseudonym and sealed id (no identifier in clear).
    add('tracing_cases', [
      {
        site: 'SITE-CNHU',
        pseudonym: `pdv_${sha('SITE-CNHU/CNHU-1')}`,
        tracing_code: 'PDV-7K3MQ-9XRT2',
        sealed_id: 'v1.c2VhbGVkLWlkZW50aWZpZXItZm9yLXRoZS10ZXN0',
        event_uid: 'EvPdv000001',
        sex: 'F',
        age_band: 'A_25PLUS',
        locality: 'Zè-Centre',
        missed_appointment: '2026-02-14',
        rc_hint: 'RC-AQ-00041',
        rc_code: 'RC-AQ-00041',
        rc_org_unit: OU,
        status: 'outcome-sent',
        outcome: 'RETROUVE_REVENU',
        outcome_date: '2026-03-02',
        received_at: '2026-03-01T08:00:00.000Z',
        task_created_at: '2026-03-01T08:00:05.000Z',
        outcome_sent_at: '2026-03-02T10:00:00.000Z',
      },
    ])
    add('tracing_lists', [
      {
        site: 'SITE-CNHU',
        format: 'csv',
        rows: 2,
        accepted: 1,
        duplicates: 0,
        quarantined: 0,
        refused: [{ rowNumber: 3, codes: ['sex-invalid'] }],
      },
    ])
    add('tracing_cursors', [{ program: 'PrgPdv00001', updated_after: '2026-03-02T10:00:00.000Z' }])
  }
  return { tables }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and writing the database as it is, whatever its version.

/** An empty ledger: everything the migrations make lives in `public` (no extension, no other schema). */
async function emptyLedger(db: Db): Promise<void> {
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;')
}

async function tablesOf(db: Db): Promise<string[]> {
  const rows = await db.query<{ t: string }>(
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  )
  return rows.map((r) => r.t)
}

async function columnTypes(db: Db, table: string): Promise<Map<string, string>> {
  const rows = await db.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  )
  return new Map(rows.map((r) => [r.name, r.type]))
}

/** Inserts rows as given, each value cast to its column's type (JSON for jsonb). Unknown columns throw. */
async function insertRows(db: Db, table: string, rows: readonly Row[]): Promise<void> {
  const types = await columnTypes(db, table)
  for (const row of rows) {
    const names = Object.keys(row)
    const params: SqlParam[] = []
    const placeholders = names.map((name) => {
      const type = types.get(name)
      if (type === undefined) throw new Error(`fixture: ${table} has no column ${name} at this version`)
      const value = row[name]
      params.push(
        value === null || value === undefined ? null : type === 'jsonb' ? JSON.stringify(value) : (value as SqlParam),
      )
      return `$${params.length}::${type}`
    })
    await db.query(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${placeholders.join(', ')})`, params)
  }
}

/** Every table but schema_migrations, its columns and its rows as JSON (so every type compares by value). */
async function stateOf(db: Db): Promise<LedgerState> {
  const state = new Map<string, TableState>()
  for (const table of await tablesOf(db)) {
    if (table === 'schema_migrations') continue
    const columns = [...(await columnTypes(db, table)).keys()]
    const rows = await db.query<{ row: Row }>(`SELECT to_jsonb(t) AS row FROM ${table} t`)
    state.set(table, { columns, rows: rows.map((r) => r.row) })
  }
  return state
}

/** JSON with sorted keys: two rows compare equal whatever the order of their columns or keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const pick = (row: Row, columns: readonly string[]): Row => Object.fromEntries(columns.map((c) => [c, row[c]]))

/** What an upgrade lost or changed, table by table; empty when every row came through whole. */
function upgradeProblems(before: LedgerState, after: LedgerState, upgrade: UpgradeWindow): string[] {
  const problems: string[] = []
  for (const [table, old] of before) {
    const now = after.get(table)
    if (now === undefined) {
      const folded = FOLDED[table]
      if (folded) problems.push(...folded(old.rows, after))
      else problems.push(`table ${table} is gone with its ${old.rows.length} row(s)`)
      continue
    }
    const lostColumns = old.columns.filter((c) => !now.columns.includes(c))
    for (const c of lostColumns) problems.push(`column ${table}.${c} is gone`)
    if (now.rows.length !== old.rows.length) {
      problems.push(`${table}: ${old.rows.length} row(s) before the upgrade, ${now.rows.length} after`)
    }
    // The old columns of every row, compared as multisets: no key needed, every value counts.
    const kept = old.columns.filter((c) => now.columns.includes(c))
    const left = old.rows.map((r) => canonical(pick(r, kept)))
    const right = new Map<string, number>()
    for (const r of now.rows) {
      const text = canonical(pick(r, kept))
      right.set(text, (right.get(text) ?? 0) + 1)
    }
    for (const text of left) {
      const n = right.get(text) ?? 0
      if (n === 0) problems.push(`${table}: this row is not there any more, or changed: ${text}`)
      else right.set(text, n - 1)
    }
    for (const c of now.columns.filter((c) => !old.columns.includes(c))) {
      const expected = NEW_COLUMN_VALUES[`${table}.${c}`]
      if (expected === undefined) {
        problems.push(`new column ${table}.${c}: say in NEW_COLUMN_VALUES what rows written before it hold`)
        continue
      }
      for (const r of now.rows) {
        if (!expected.holds(r[c], upgrade)) {
          problems.push(
            `${table}.${c} is ${JSON.stringify(r[c])} in a migrated row; its migration says ${expected.says}`,
          )
        }
      }
    }
  }
  return problems
}

/** The schema as the catalogue describes it, in a stable order: what a new ledger and an upgraded one share. */
async function schemaOf(db: Db) {
  const columns = await db.query(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, a.attidentity AS identity, pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_class c
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
      ORDER BY 1, 2`,
  )
  // Not-null constraints are columns' `not_null` above (PostgreSQL 18, hence PGlite, lists them here too).
  const constraints = await db.query(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY 1, 2`,
  )
  const indexes = await db.query(
    `SELECT tablename AS table, indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname = 'public' ORDER BY 1, 2`,
  )
  return { columns, constraints, indexes }
}

/** NEWEST_SCHEMA's constraints and indexes that the database lacks. */
async function missingFromNewest(db: Db): Promise<string[]> {
  const rows = await db.query<{ t: string; name: string }>(
    `SELECT conrelid::regclass::text AS t, conname AS name FROM pg_constraint WHERE connamespace = 'public'::regnamespace
     UNION SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'`,
  )
  const present = new Set(rows.map((r) => `${r.t}.${r.name}`))
  return Object.entries(NEWEST_SCHEMA).flatMap(([table, names]) =>
    names.filter((n) => !present.has(`${table}.${n}`)).map((n) => `${table}.${n}`),
  )
}

async function clock(db: Db): Promise<Date> {
  const [row] = await db.query<{ now: unknown }>('SELECT clock_timestamp() AS now')
  return new Date(row!.now as string)
}

/** Builds a ledger at `version`, fills it, migrates it with `dir`'s files; answers what the checks need. */
async function upgradeFrom(db: Db, version: string, dir?: string) {
  await emptyLedger(db)
  await migrate(db, { upTo: version, ...(dir ? { dir } : {}) })
  const tablesAtVersion = await tablesOf(db)
  const fixture = fixtureAt(Number(version))
  for (const [table, rows] of fixture.tables) await insertRows(db, table, rows)
  const before = await stateOf(db)
  const start = await clock(db)
  const { applied } = await migrate(db, dir ? { dir } : {})
  const end = await clock(db)
  return { tablesAtVersion, fixture, before, after: await stateOf(db), upgrade: { start, end }, applied }
}

// ---------------------------------------------------------------------------------------------------------------

describe.each(TEST_DATABASES)('upgrading the ledger on %s', (_name, make) => {
  let t: TestDatabase
  let db: Db
  /** A new ledger's schema: what every upgrade must end with. */
  let newest: Awaited<ReturnType<typeof schemaOf>>

  beforeAll(async () => {
    t = make()
    db = await t.open()
    await emptyLedger(db)
    await migrate(db)
    newest = await schemaOf(db)
  })
  afterAll(() => t?.dispose())

  it('knows every migration file (and NEWEST_SCHEMA holds in a new ledger)', async () => {
    expect(VERSIONS).toEqual((await readMigrations()).map((m) => m.version))
    expect(await missingFromNewest(db)).toEqual([])
  })

  it('plans without writing: what migrate would apply, up to a version, and what a newer bridge applied', async () => {
    await emptyLedger(db)
    const fresh = await planMigrations(db)
    expect([fresh.applied, fresh.pending.map((m) => m.version), fresh.unknown]).toEqual([[], VERSIONS, []])
    expect(await tablesOf(db)).toEqual([]) // not even schema_migrations

    expect((await migrate(db, { upTo: '004' })).applied.map((f) => f.slice(0, 3))).toEqual(['001', '002', '003', '004'])
    const at4 = await planMigrations(db)
    expect(at4.applied.map((m) => m.version)).toEqual(['001', '002', '003', '004'])
    expect(at4.pending.map((m) => m.version)).toEqual(VERSIONS.slice(4))
    // '6' and '006' name the same migration.
    expect((await planMigrations(db, { upTo: '6' })).pending.map((m) => m.version)).toEqual(['005', '006'])
    await expect(migrate(db, { upTo: '042' })).rejects.toThrow(/no migration numbered 042/)
    expect(await migrate(db, { upTo: '003' })).toEqual({ applied: [] })

    await db.query(`INSERT INTO schema_migrations (version, file, checksum) VALUES ('999', '999_later.sql', 'x')`)
    expect((await planMigrations(db)).unknown).toEqual(['999'])
    await db.query(`UPDATE schema_migrations SET checksum = 'edited' WHERE version = '002'`)
    await expect(planMigrations(db)).rejects.toThrow(MigrationError)
  })

  describe.each(VERSIONS)('from version %s', (version) => {
    const v = Number(version)
    let run: Awaited<ReturnType<typeof upgradeFrom>>

    beforeAll(async () => {
      run = await upgradeFrom(db, version)
    })

    it('has rows in every table of that version (the test writes what that bridge wrote)', () => {
      const seeded = new Set(run.fixture.tables.filter(([, rows]) => rows.length > 0).map(([table]) => table))
      const empty = run.tablesAtVersion.filter((table) => table !== 'schema_migrations' && !seeded.has(table))
      expect(empty).toEqual([])
    })

    it('applies exactly the migrations after it', async () => {
      expect(run.applied.map((f) => f.split('_')[0])).toEqual(VERSIONS.filter((x) => Number(x) > v))
      const rows = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')
      expect(rows.map((r) => r.version)).toEqual(VERSIONS)
    })

    it('keeps every row with its values; old rows get the new columns as documented', () => {
      expect(upgradeProblems(run.before, run.after, run.upgrade)).toEqual([])
    })

    it("ends with a new ledger's schema: columns, defaults, constraints, indexes", async () => {
      expect(await schemaOf(db)).toEqual(newest)
      expect(await missingFromNewest(db)).toEqual([])
    })

    it('the repositories read the migrated rows', async () => {
      const ledger = repositories(db)

      const imported = await ledger.records.get(REC_IMPORTED)
      expect(imported).toMatchObject({
        source: KOBO,
        sourceKey: KOBO_RAW._uuid,
        status: 'imported',
        reason: null,
        period: '202602',
        orgUnit: OU,
        rcCode: 'RC-AQ-00041',
        attempts: 1,
        runId: RUN_IMPORT,
        raw: KOBO_RAW,
        lastError: null,
      })
      expect(imported!.createdAt.toISOString()).toBe('2026-03-01T02:00:05.000Z')
      expect((imported!.mapped as { dataValues: unknown[] }).dataValues).toHaveLength(3)
      expect((await ledger.records.get(REC_INVALID))?.lastError).toEqual({
        conflicts: [{ object: 'DeTbRef001', value: '-3', errorCode: 'E7619' }],
      })

      const quarantined = await ledger.records.search({ status: 'quarantined' })
      expect(quarantined.items.map((r) => [r.id, r.reason])).toEqual([
        ...(v >= 5 ? [[REC_OVERWRITE, 'overwrite']] : []),
        [REC_INVALID, 'invalid'],
      ])
      const counts = await ledger.records.countByStatus({ source: KOBO })
      expect(counts).toMatchObject({ imported: 1, quarantined: v >= 5 ? 2 : 1, discarded: 1, failed: 1 })
      expect((await ledger.records.nonTerminal()).map((r) => r.id)).toEqual([REC_DRY])

      const history = await ledger.events.forRecord(REC_DISCARDED)
      expect(history.map((e) => [e.fromStatus, e.toStatus, e.reason])).toEqual([
        [null, 'received', null],
        ['received', 'mapped', null],
        ['mapped', 'quarantined', 'duplicate'],
        ['quarantined', 'discarded', 'doublon saisi deux fois par le superviseur'],
      ])
      expect(history[3]!.at.toISOString()).toBe('2026-03-01T10:12:00.000Z')

      const run1 = await ledger.runs.get(RUN_IMPORT)
      expect(run1).toMatchObject({
        status: 'completed',
        mode: 'import',
        detail: { form: 'aQ7xKoboMensuel', pulled: 4 },
      })
      expect(run1!.finalCounts).toMatchObject({ imported: 1, total: 4 })
      expect(run1!.finishedAt?.toISOString()).toBe('2026-03-01T02:03:10.250Z')
      expect((await ledger.runs.list({ source: KOBO })).items.map((r) => r.id)).toEqual([RUN_FAILED, RUN_IMPORT])
      expect(await ledger.runs.diffRows(RUN_DRY)).toEqual([
        {
          orgUnit: OU,
          rcCode: 'RC-AQ-00041',
          period: '202602',
          diff: [{ dataElement: 'DeVihDep001', before: '12', after: '14', class: 'changed' }],
        },
      ])

      expect((await ledger.cursors.get(KOBO))?.cursor).toEqual({ submittedAfter: '2026-03-01T01:59:58', lastId: 98231 })
      expect((await ledger.cursors.get('webhook-ong'))?.cursor).toEqual(['2026-03-02', 17])

      const audit = await ledger.audit.list()
      expect(audit.items.map((e) => [e.actor, e.role, e.action, e.target])).toEqual([
        ['relais-cli', null, 'metadata.refresh', null],
        ['gestionnaire', 'gestionnaire', 'quarantine.discard', `record:${REC_DISCARDED}`],
        ['script-nuit', 'lecteur', 'run.start', `run:${RUN_FAILED}`],
      ])
      expect(audit.items[1]!.detail).toEqual({ reason: 'doublon saisi deux fois par le superviseur' })

      const snapshot = await ledger.snapshots.latest<{ dataElements: unknown[] }>()
      expect(snapshot?.snapshot.dataElements).toHaveLength(3)
      expect(snapshot?.drift).toEqual([{ code: 'VIH_PREP_INITIES', problem: 'unknown data element' }])
      expect((await ledger.snapshots.list()).items.map((s) => s.drift.length)).toEqual([1, 0])

      // What DHIS2 holds from us, whether it was stored per value (001–002) or per record (003+).
      const keys = HELD.map((h) => ({
        dataElement: h.de,
        period: h.pe,
        orgUnit: h.ou,
        categoryOptionCombo: COC,
        attributeOptionCombo: COC,
      }))
      const held = await ledger.importedValues.lookup(keys)
      expect(
        keys.map((k) => {
          const found = held.get(valueKey(k))
          return found && [found.contentHash, found.recordId, found.source]
        }),
      ).toEqual(HELD.map((h) => [h.hash, h.record, h.source]))

      if (v >= 4) {
        expect(await ledger.deliveries.stored('webhook-ong', `t=1772409600,v1=${sha('delivery 1')}`)).toBe(true)
        expect(await ledger.deliveries.stored('webhook-ong', 't=1,v1=unknown')).toBe(false)
      }
      if (v >= 6) {
        const sends = await ledger.reminderSends.ofPeriod('202602')
        expect(sends.map((s) => [s.kind, s.channel, s.status, s.smsId, s.delivery])).toEqual([
          ['reminder', 'message', 'sent', null, null],
          ['reminder', 'sms', 'failed', null, null],
          ['holdout', 'none', 'held-out', null, null],
          ['manual', 'message', 'pending', null, null],
          ...(v >= 8 ? [['reminder', 'sms', 'sent', 'SmsOut00001', 'SENT']] : []),
        ])
        expect(sends[0]).toMatchObject({ answer: { httpStatus: 'Created', uid: 'MsgConv0001' }, day: '2026-03-03' })
        expect(sends[0]!.sentAt?.toISOString()).toBe('2026-03-03T07:00:02.000Z')
        const retry = await ledger.reminderSends.retryable('2026-03-03', 5)
        expect(retry.map((s) => [s.text, s.error])).toEqual([
          [
            'Bonjour Adjovi, votre rapport de février 2026 est attendu avant le 5 mars.',
            'DHIS2 answered 409: no default SMS gateway',
          ],
        ])
        // 007 gave a pending send of a 006 ledger touched_at = the upgrade: it is not taken for an interrupted one.
        if (v === 6) expect(await ledger.reminderSends.failInterrupted(15)).toBe(0)
      }
      if (v >= 9) {
        const reports = securityReportsRepository(db)
        const day = await reports.get('2026-03-02')
        expect(day).toMatchObject({
          actor: 'scheduler',
          dhis2Version: '2.41.8',
          added: ['account-dormant:xE7jOejl9FI'],
          problems: ['la politique des mots de passe ne se lit pas : minPasswordLength absent'],
        })
        expect(day!.findings.map((f) => f.code)).toEqual(['account-dormant'])
        expect(day!.resolved.map((f) => f.code)).toEqual(['privileged-without-two-factor'])
        expect((await reports.before('2026-03-02'))?.problems).toEqual([])
      }
      if (v >= 10) {
        expect(
          (await bridgeSecretsRepository(db).all()).map((s) => [s.kind, s.name, s.role, s.expires, s.action]),
        ).toEqual([
          ['route', 'route-2026-03', null, '2026-04-01', 'accept'],
          ['api-key', 'script-nuit', 'lecteur', null, 'revoke'],
        ])
      }
    })

    it("the repositories write after the migrated rows, and the newest schema's constraints hold", async () => {
      const ledger = repositories(db)
      // Identity and serial sequences carry on past the migrated rows: new rows come out newest first.
      const [fresh] = await ledger.records.insertMany(
        [{ source: KOBO, sourceKey: 'uuid:after-upgrade', version: 'v1', contentHash: sha('new'), raw: { _id: 1 } }],
        { actor: `source:${KOBO}` },
      )
      expect((await ledger.records.search({ source: KOBO })).items[0]!.id).toBe(fresh!.id)
      // The same (source, source key, version) as a migrated record is not stored twice.
      const again = await ledger.records.insertMany(
        [{ source: KOBO, sourceKey: KOBO_RAW._uuid, version: 'vKx2a9', contentHash: 'x', raw: {} }],
        { actor: 'test' },
      )
      expect(again).toEqual([
        { id: REC_IMPORTED, inserted: false, mapped: false, sourceKey: KOBO_RAW._uuid, version: 'vKx2a9' },
      ])
      await ledger.records.transition(REC_DRY, 'mapped', 'quarantined', { actor: 'pipeline:push', reason: 'overwrite' })
      await expect(db.query(`UPDATE records SET reason = 'bogus' WHERE id = $1`, [REC_DRY])).rejects.toMatchObject({
        code: '23514',
        constraint: 'records_quarantine_reason',
      })
      expect((await ledger.events.forRecord(REC_DRY)).at(-1)).toMatchObject({
        toStatus: 'quarantined',
        reason: 'overwrite',
      })

      const newRun = await ledger.runs.create({ source: KOBO, mode: 'import', trigger: 'cli', actor: 'test' })
      expect((await ledger.runs.list({ source: KOBO })).items[0]!.id).toBe(newRun.id)
      const entry = await ledger.audit.append({ actor: 'test', action: 'migrate.check' })
      expect((await ledger.audit.list()).items[0]!.id).toBe(entry.id)

      // A migrated value compares as unchanged, and a different source's as a duplicate.
      const same = {
        dataElement: 'DeVihDep001',
        period: '202602',
        orgUnit: OU,
        categoryOptionCombo: COC,
        attributeOptionCombo: COC,
      }
      const classes = await ledger.importedValues.classify([
        { ...same, contentHash: sha('12'), source: KOBO },
        { ...same, contentHash: sha('99'), source: CSV },
      ])
      expect(classes.map((c) => c.class)).toEqual(['unchanged', 'duplicate'])
      await ledger.importedValues.recordImported([
        { ...same, contentHash: sha('99'), source: KOBO, recordId: fresh!.id },
      ])
      expect((await ledger.importedValues.lookup([same])).values().next().value).toMatchObject({
        contentHash: sha('99'),
        recordId: fresh!.id,
      })

      const claim = {
        ruleId: 'rappel-j3',
        kind: 'reminder' as const,
        period: '202602',
        orgUnit: OU,
        zone: 'OuZsAq0001',
        recipient: 'UsrRcAq0041',
        channel: 'message' as const,
        day: '2026-03-03',
        template: 'Bonjour {nom}',
      }
      // reminder_sends_once: the migrated send of that day is not sent twice; another day's is new.
      expect(await ledger.reminderSends.claim([claim])).toHaveLength(v >= 6 ? 0 : 1)
      const [next] = await ledger.reminderSends.claim([{ ...claim, day: '2026-03-04' }])
      expect((await ledger.reminderSends.list()).items[0]!.id).toBe(next!.id)

      const reports = securityReportsRepository(db)
      await reports.save({
        day: '2026-03-10',
        actor: 'test',
        dhis2Version: '2.42.1',
        findings: [],
        added: [],
        resolved: [],
        problems: [],
      })
      expect((await reports.between('2026-03-01', '2026-03-31')).map((r) => r.day)[0]).toBe('2026-03-10')
      await bridgeSecretsRepository(db).add({
        kind: 'api-key',
        name: 'tableau',
        role: 'lecteur',
        hash: sha('k'),
        expires: null,
        action: 'accept',
        createdBy: 'test',
      })
      expect((await bridgeSecretsRepository(db).all()).at(-1)?.name).toBe('tableau')
    })
  })

  it('the checks fail on a migration that loses data, drops an index or adds an undocumented column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-migrations-'))
    try {
      for (const file of fs.readdirSync(MIGRATIONS_DIR))
        fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file))
      fs.writeFileSync(
        path.join(dir, '900_lossy.sql'),
        `ALTER TABLE records DROP COLUMN rc_code;
         DROP INDEX records_period_idx;
         UPDATE audit_log SET detail = NULL WHERE action = 'quarantine.discard';
         DELETE FROM bridge_secrets WHERE action = 'revoke';
         ALTER TABLE runs ADD COLUMN priority integer NOT NULL DEFAULT 0;`,
      )
      const lossy = await upgradeFrom(db, LATEST, dir)
      expect(lossy.applied).toEqual(['900_lossy.sql'])
      const problems = upgradeProblems(lossy.before, lossy.after, lossy.upgrade)
      expect(problems).toEqual(
        expect.arrayContaining([
          'column records.rc_code is gone',
          expect.stringMatching(/^audit_log: this row is not there any more, or changed: .*quarantine\.discard/),
          'bridge_secrets: 2 row(s) before the upgrade, 1 after',
          expect.stringMatching(/^new column runs\.priority: say in NEW_COLUMN_VALUES/),
        ]),
      )
      // records_rc_code_idx went with its column.
      expect(await missingFromNewest(db)).toEqual(['records.records_rc_code_idx', 'records.records_period_idx'])
      expect(await schemaOf(db)).not.toEqual(newest)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('describeMigration (what the dry run prints)', () => {
  it('names each statement by kind and objects, one line per ALTER TABLE action, and marks lost data', () => {
    const sql = `
      -- a comment; with a semicolon, and 'a quote
      CREATE TABLE IF NOT EXISTS "Odd" (a int, b text DEFAULT 'x;y', CONSTRAINT odd_pk PRIMARY KEY (a));
      /* block ; comment */
      ALTER TABLE records ADD COLUMN note text NOT NULL DEFAULT '', DROP COLUMN rc_code,
        ALTER COLUMN period SET NOT NULL, ADD unique_code text;
      ALTER TABLE runs ADD CONSTRAINT runs_x UNIQUE (source, seq), RENAME COLUMN actor TO who;
      ALTER TABLE runs RENAME TO runs_old;
      CREATE UNIQUE INDEX IF NOT EXISTS r_idx ON public.records (source) WHERE status = 'received';
      CREATE INDEX ON records (period);
      CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN RETURN NEW; END; $body$ LANGUAGE plpgsql;
      UPDATE records SET reason = 'it''s; fine';
      DELETE FROM audit_log WHERE at < now();
      DROP TABLE IF EXISTS old_stuff, older_stuff CASCADE;
      DROP INDEX r_idx;
      GRANT SELECT ON records TO reader;`
    expect(describeMigration(sql)).toEqual([
      'CREATE TABLE "Odd" (2 columns)',
      "ALTER TABLE records ADD COLUMN note text NOT NULL DEFAULT ''",
      'ALTER TABLE records DROP COLUMN rc_code (data removed)',
      'ALTER TABLE records ALTER COLUMN period SET NOT NULL',
      'ALTER TABLE records ADD COLUMN unique_code text',
      'ALTER TABLE runs ADD CONSTRAINT runs_x UNIQUE (source, seq)',
      'ALTER TABLE runs RENAME COLUMN actor TO who',
      'ALTER TABLE runs RENAME TO runs_old',
      'CREATE UNIQUE INDEX r_idx ON public.records (partial)',
      'CREATE INDEX ON records',
      'CREATE FUNCTION f',
      'UPDATE records',
      'DELETE FROM audit_log (data removed)',
      'DROP TABLE old_stuff, older_stuff (data removed)',
      'DROP INDEX r_idx',
      'GRANT SELECT ON records TO reader',
    ])
  })

  it('reads every real migration into its kinds of change', async () => {
    // Each line starts with the kind the reader recognised (an unknown statement would be its raw first words).
    const KNOWN =
      /^(CREATE (UNIQUE )?INDEX |CREATE TABLE |ALTER TABLE \S+ [A-Z]+ |INSERT INTO |UPDATE |DELETE FROM |DROP [A-Z]+ )/
    for (const m of await readMigrations()) {
      const changes = describeMigration(m.sql)
      expect(changes.length).toBeGreaterThan(0)
      expect(changes.filter((c) => !KNOWN.test(c))).toEqual([])
    }
    const [, , third] = await readMigrations()
    expect(describeMigration(third!.sql)).toEqual([
      'CREATE TABLE imported_sets (7 columns)',
      'CREATE INDEX imported_sets_org_unit_period_idx ON imported_sets',
      'CREATE INDEX imported_sets_record_idx ON imported_sets',
      'INSERT INTO imported_sets (rows from imported_values)',
      'DROP TABLE imported_values (data removed)',
    ])
  })
})
