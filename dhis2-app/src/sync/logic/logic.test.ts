import { FetchError } from '@dhis2/app-runtime'
import { bridgeResource } from '../../shared/bridge/paths'
import { apiUrl, hasFilter, normalisePeriod, recordSearchParams, uploadPath } from '../api/paths'
import type { MappingIssue } from '../api/types'
import { httpError, ROUTE_MISSING, webMessage } from '../testing/fakeBridge'
import { blocksConsole, classifyAnswer, classifyError } from '../../shared/bridge/bridgeProblem'
import { formatBytes, formatDateTime, formatDuration } from './format'
import { correctedRecord, editableFields, fieldsWithIssues, issuesIn, issuesOfField, issueText } from './issues'
import { bridgeCodeMessage, problemMessage } from '../../shared/bridge/messages'
import { mayActInConsole } from './permissions'
import { countsList, runProgress } from './progress'
import {
  HEALTH_TONE,
  isRecordInFlight,
  isRunTerminal,
  quarantineReasonLabel,
  RECORD_TONE,
  recordStatusLabel,
} from './status'
import { counts, run, VAD_ISSUE } from '../testing/fakeBridge'

describe('paths and queries', () => {
  it('puts every bridge path under the route relais-bridge', () => {
    expect(bridgeResource('runs/42')).toBe('routes/relais-bridge/run/api/v1/runs/42')
    expect(bridgeResource('/sources')).toBe('routes/relais-bridge/run/api/v1/sources')
  })

  it.each([
    ['2026-09', '202609'],
    ['2026-9', '202609'],
    ['09/2026', '202609'],
    ['9/2026', '202609'],
    [' 202609 ', '202609'],
    ['2026Q3', '2026Q3'],
    ['2026', '2026'],
  ])('reads the period %j as %j', (typed, id) => expect(normalisePeriod(typed)).toBe(id))

  it('builds the record search: blanks left out, codes upper-cased, unknown statuses dropped', () => {
    expect(recordSearchParams({ rcCode: ' rc-aq-00042 ', period: '2026-09', status: 'quarantined' }, 2)).toEqual({
      rcCode: 'RC-AQ-00042',
      period: '202609',
      status: 'quarantined',
      page: 2,
      pageSize: 20,
    })
    expect(recordSearchParams({ rcCode: '', period: ' ', status: 'lost', sourceKey: ' k|1 ' })).toEqual({
      sourceKey: 'k|1',
      page: 1,
      pageSize: 20,
    })
    expect(hasFilter({ rcCode: ' ' })).toBe(false)
    expect(hasFilter({ runId: 'r1' })).toBe(true)
  })

  it('makes the upload URL absolute from the app base URL, with source, name and mode in the query', () => {
    const path = uploadPath('csv-partenaires', 'sept 2026.csv', 'import')
    expect(path).toBe(
      'routes/relais-bridge/run/api/v1/uploads?source=csv-partenaires&filename=sept+2026.csv&mode=import',
    )
    expect(apiUrl('../../..', path, 'https://dhis2.example.org/dhis/api/apps/relais/index.html#/synchronisation')).toBe(
      `https://dhis2.example.org/dhis/api/${path}`,
    )
    expect(apiUrl('https://play.dhis2.org/41/', 'routes', 'http://localhost/')).toBe(
      'https://play.dhis2.org/41/api/routes',
    )
  })
})

describe('what went wrong', () => {
  it('tells the route missing in DHIS2 from a record the bridge does not know', () => {
    expect(classifyError(ROUTE_MISSING)).toMatchObject({ kind: 'route-missing', status: 404 })
    expect(classifyError(httpError(404, { error: 'not-found', message: 'Record x was not found' }))).toEqual({
      kind: 'bridge-error',
      code: 'not-found',
      status: 404,
      message: 'Record x was not found',
    })
  })

  it('sees the bridge down behind 502, 503 and 504 from DHIS2, and when it says it is not ready', () => {
    for (const status of [502, 503, 504]) expect(classifyError(httpError(status)).kind).toBe('bridge-down')
    expect(classifyError(httpError(503, webMessage(503, 'Connection refused'))).kind).toBe('bridge-down')
    expect(classifyError(httpError(503, { error: 'not-ready', message: 'starting' })).kind).toBe('bridge-down')
    // DHIS2 unreachable from the bridge is the bridge's answer, not the bridge being down
    expect(classifyError(httpError(503, { error: 'dhis2-unavailable', message: 'x' }))).toMatchObject({
      kind: 'bridge-error',
      code: 'dhis2-unavailable',
    })
  })

  it('reads the 401/403/409 answers, which come without their status, from their body', () => {
    expect(classifyError(httpError(403, webMessage(403, 'User not authorized', 'E1006'))).kind).toBe('route-forbidden')
    expect(classifyError(httpError(403, { error: 'forbidden', message: 'no' }))).toMatchObject({
      kind: 'bridge-error',
      code: 'forbidden',
    })
    expect(
      classifyError(httpError(401, { error: 'unauthorized', message: 'Invalid route secret', reason: 'route-secret' }))
        .kind,
    ).toBe('route-secret')
    expect(
      classifyError(httpError(401, { error: 'unauthorized', message: 'Unknown DHIS2 user', reason: 'unknown-user' }))
        .kind,
    ).toBe('user-unknown')
    expect(classifyError(httpError(409, { error: 'state-conflict', message: 'x' }))).toMatchObject({
      kind: 'bridge-error',
      code: 'state-conflict',
      status: 409,
    })
  })

  it('knows a network failure, and which problems block the whole console', () => {
    const network = classifyError(new FetchError({ type: 'network', message: 'offline', details: {} }))
    expect(network.kind).toBe('network')
    expect(classifyAnswer(undefined, undefined).kind).toBe('network')
    expect(blocksConsole(network)).toBe(true)
    expect(blocksConsole({ kind: 'route-missing' })).toBe(true)
    expect(blocksConsole({ kind: 'bridge-error', code: 'not-found' })).toBe(false)
  })

  it('words every stable code of the bridge, and falls back on the status for an unknown one', () => {
    const codes = [
      'invalid-request',
      'malformed-json',
      'payload-too-large',
      'unsupported-media-type',
      'unsupported-encoding',
      'not-found',
      'unknown-source',
      'wrong-source-kind',
      'state-conflict',
      'rate-limited',
      'not-ready',
      'dhis2-unavailable',
      'internal',
      'unauthorized',
      'forbidden',
      'empty-file',
      'unsupported-format',
      'no-header',
      'corrupt-xlsx',
      'header-too-long',
      'xlsx-size-limit',
      'xlsx-temp-limit',
      'xlsx-shared-strings-limit',
      'xlsx-sheets-limit',
      'xlsx-cells-limit',
      'csv-row-limit',
      'not-a-dry-run',
      'file-differs',
      'dhis2-changed',
    ]
    for (const code of codes) expect([code, bridgeCodeMessage(code)]).toEqual([code, expect.any(String)])
    expect(problemMessage({ kind: 'bridge-error', code: 'brand-new', status: 418 })).toBe(
      'The bridge answered with an error (418).',
    )
  })
})

describe('progress and statuses', () => {
  it('counts the settled records of a running run, and is full once the run is over', () => {
    const running = run('r', { status: 'running', finishedAt: null })
    expect(runProgress({ run: running, counts: counts({ received: 2, mapped: 1, imported: 1 }) })).toEqual({
      percent: 25,
      settled: 1,
      total: 4,
      inFlight: 3,
      terminal: false,
    })
    expect(runProgress({ run: running, counts: counts({}) }).percent).toBe(0)
    // all settled but the run still reading its input: not 100 yet
    expect(runProgress({ run: running, counts: counts({ imported: 4 }) }).percent).toBe(99)
    expect(runProgress({ run: run('r', { status: 'cancelled' }), counts: counts({ mapped: 3 }) }).percent).toBe(100)
  })

  it('lists the statuses with records in the order of a record life', () => {
    expect(countsList(counts({ failed: 1, imported: 2, received: 0, quarantined: 3 }))).toEqual([
      { status: 'imported', count: 2 },
      { status: 'quarantined', count: 3 },
      { status: 'failed', count: 1 },
    ])
    expect(countsList(null)).toEqual([])
  })

  it('gives each status a word and a colour', () => {
    expect(recordStatusLabel('mapped')).toBe('Ready to send')
    expect(RECORD_TONE.failed).toBe('negative')
    expect(RECORD_TONE.quarantined).toBe('warning')
    expect(HEALTH_TONE.attention).toBe('warning')
    expect(isRunTerminal('running')).toBe(false)
    expect(isRunTerminal('cancelled')).toBe(true)
    expect(isRecordInFlight('mapped')).toBe(true)
    expect(isRecordInFlight('quarantined')).toBe(false)
  })

  it('words the reasons of a history: quarantines, the note of a submission deleted at the source, others as sent', () => {
    expect(quarantineReasonLabel('late')).toBe('Period closed')
    expect(quarantineReasonLabel('deleted-at-source')).toBe('Deleted at the source (DHIS2 keeps its values)')
    expect(quarantineReasonLabel('superseded by a newer version')).toBe('superseded by a newer version')
  })
})

describe('quarantine issues and corrections', () => {
  const rule: MappingIssue = {
    code: 'VALIDATION_RULE',
    field: 'palu_tdr_pos, palu_tdr',
    rule: 'VR_TDR_POS',
    message: { en: 'Positive RDTs cannot exceed RDTs performed', fr: 'Les TDR positifs ne peuvent dépasser les TDR' },
  }

  it('reads the issues of a last error or of a refused release, in the language of the user', () => {
    const lastError = { kind: 'invalid', errors: [VAD_ISSUE, rule, { nonsense: true }], warnings: [] }
    expect(issuesIn(lastError)).toEqual([VAD_ISSUE, rule])
    expect(issuesIn([rule])).toEqual([rule])
    expect(issuesIn({ kind: 'conflict', rejected: [] })).toEqual([])
    expect(issueText(rule, 'fr')).toBe('Les TDR positifs ne peuvent dépasser les TDR')
    expect(issueText({ code: 'X', message: 'plain' }, 'fr')).toBe('plain')
    expect([...fieldsWithIssues([VAD_ISSUE, rule])]).toEqual(['vad', 'palu_tdr_pos', 'palu_tdr'])
    expect(issuesOfField([VAD_ISSUE, rule], 'palu_tdr')).toEqual([rule])
  })

  it('sends back the raw record with only the edited fields changed, or nothing when nothing changed', () => {
    const raw = { code_rc: 'RC-BO-00002', vad: '-5', count: 3, extra: { a: 1 } }
    expect(editableFields(raw)).toEqual([
      { field: 'code_rc', value: 'RC-BO-00002' },
      { field: 'vad', value: '-5' },
      { field: 'count', value: '3' },
      { field: 'extra', value: '{"a":1}' },
    ])
    expect(correctedRecord(raw, {})).toBeUndefined()
    expect(correctedRecord(raw, { vad: '-5', count: '3' })).toBeUndefined()
    expect(correctedRecord(raw, { vad: '25' })).toEqual({ ...raw, vad: '25' })
    expect(correctedRecord('not an object', { vad: '1' })).toBeUndefined()
  })
})

describe('formats and permissions', () => {
  it('formats instants, durations and sizes', () => {
    expect(formatDateTime('2026-10-03T09:05:00Z', 'en', 'Africa/Porto-Novo')).toBe('3 Oct 2026, 10:05')
    expect(formatDateTime('2026-10-03T09:05:00Z', 'fr', 'Africa/Porto-Novo')).toBe('3 oct. 2026, 10:05')
    expect(formatDateTime(null, 'en')).toBe('')
    expect(formatDuration('2026-10-03T09:00:00Z', '2026-10-03T09:02:05Z')).toBe('2 min 5 s')
    expect(formatDuration('2026-10-03T09:00:00Z', '2026-10-03T09:00:42Z')).toBe('42 s')
    expect(formatDuration('2026-10-03T09:00:00Z', '2026-10-03T10:03:00Z')).toBe('1 h 3 min')
    expect(formatBytes(850)).toBe('850 B')
    expect(formatBytes(12_700)).toBe('12.4 KB')
  })

  it('lets data managers and administrators act, nobody else', () => {
    expect(mayActInConsole(['gestionnaire'])).toBe(true)
    expect(mayActInConsole(['administrateur'])).toBe(true)
    expect(mayActInConsole(['superviseur', 'relais'])).toBe(false)
    expect(mayActInConsole([])).toBe(false)
  })
})
