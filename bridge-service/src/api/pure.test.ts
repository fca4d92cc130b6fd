/** The API's pure pieces, without HTTP or a ledger. */
import { z } from 'zod'
import { Dhis2Error } from '../dhis2/errors'
import type { RecordEvent } from '../ledger/events'
import { RecordNotFoundError } from '../ledger/records'
import { RunStateError } from '../ledger/runs'
import { NotFoundError, StateConflictError, UnknownSourceError } from '../pipeline/services'
import { UnreadableFileError } from '../sources/files/findings'
import { formatBytes, lineAndColumn, parseJsonBody } from './body'
import { dhis2MessagesOf, messagesIn } from './dhis2-messages'
import { ApiError, toApiError } from './errors'
import { jsonErrorPosition } from './json-position'
import { createMetrics, METRIC_NAMES } from './metrics'
import { buildOpenApi } from './openapi'
import { defineRoute, reply } from './route'
import { named } from './schemas'

describe('jsonErrorPosition', () => {
  const cases: [string, string, number][] = [
    ['nothing', '', 0],
    ['an unclosed object', '{', 1],
    ['a missing colon', '{"a" 1}', 5],
    ['a trailing comma', '{"a": 1,}', 8],
    ['an empty array slot', '[1, 2,, 3]', 6],
    ['a misspelt literal', '{"a": tru}', 6],
    ['a raw newline in a string', '{"a": "x\ny"}', 8],
    ['a bad escape', '{"a": "\\q"}', 7],
    ['a leading zero', '{"a": 01}', 7],
    ['two values', '{} {}', 3],
    ['100,000 open brackets', `${'['.repeat(100_000)}x`, 100_000],
  ]
  it.each(cases)('%s goes wrong at its offset', (_what, text, position) => {
    expect(() => JSON.parse(text)).toThrow()
    expect(jsonErrorPosition(text)).toBe(position)
  })
})

describe('parseJsonBody', () => {
  it('reads JSON, an empty body as {}, and a BOM', () => {
    expect(parseJsonBody(Buffer.from('{"a":1}'))).toEqual({ a: 1 })
    expect(parseJsonBody(Buffer.from('  \n'))).toEqual({})
    expect(parseJsonBody(Buffer.from('\ufeff[1]'))).toEqual([1])
  })

  it('says where malformed JSON goes wrong', () => {
    try {
      parseJsonBody(Buffer.from('{\n  "a": 1,\n  "b": ?\n}'))
      throw new Error('not thrown')
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError)
      expect(error).toMatchObject({
        status: 400,
        code: 'malformed-json',
        extras: { where: { line: 3, column: 8, position: 19 } },
        message: 'The request body is not valid JSON: unexpected "?" at line 3, column 8.',
      })
    }
  })

  it('counts lines and columns, and formats sizes', () => {
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 })
    expect(formatBytes(1024 * 1024)).toBe('1 MB')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(12)).toBe('12 bytes')
  })
})

describe("DHIS2's messages of a record", () => {
  const event = (detail: unknown, toStatus: RecordEvent['toStatus'] = 'quarantined'): RecordEvent => ({
    id: 'e',
    recordId: 'r',
    at: new Date('2025-03-01T10:00:00Z'),
    actor: 'pipeline:push',
    fromStatus: 'mapped',
    toStatus,
    reason: 'conflict',
    detail,
  })

  it('reads Dhis2Error JSON, conflicts, rejected values and a nested dhis2 entry', () => {
    expect(messagesIn({ dhis2Message: 'Server error', errorCode: 'E1000', status: 500 })).toEqual([
      { message: 'Server error', errorCode: 'E1000', httpStatus: 500 },
    ])
    expect(
      messagesIn({ conflicts: [{ message: 'Bad value', property: 'value' }, { value: 'Period locked' }] }),
    ).toEqual([{ message: 'Bad value', property: 'value' }, { message: 'Period locked' }])
    expect(messagesIn({ dhis2: 'Value must be a positive integer' })).toEqual([
      { message: 'Value must be a positive integer' },
    ])
    expect(messagesIn({ dhis2: { conflicts: [{ message: 'x', errorCode: 'E7619' }] } })).toEqual([
      { message: 'x', errorCode: 'E7619' },
    ])
    expect(messagesIn('not DHIS2')).toEqual([])
    expect(messagesIn({ corrected: { value: 3 } })).toEqual([])
  })

  it('reads what the push worker stores: refused values with their data element, and failures', () => {
    const conflict = { message: 'Value must be zero or positive', errorCode: 'E7619', property: 'value' }
    expect(
      messagesIn({
        status: 'WARNING',
        rejected: [{ dataElement: 'DE_VISITS', period: '202501', conflicts: [conflict] }],
      }),
    ).toEqual([{ ...conflict, dataElement: 'DE_VISITS' }])
    const timeout = {
      name: 'Dhis2Error',
      message: 'DHIS2 POST /api/dataValueSets: no answer in 30 s',
      kind: 'transient',
    }
    expect(messagesIn({ attempts: 8, error: timeout })).toEqual([{ message: timeout.message }])
    expect(messagesIn({ dhis2: { ...timeout, dhis2Message: 'Service unavailable', status: 503 } })).toEqual([
      { message: 'Service unavailable', httpStatus: 503 },
    ])
  })

  it('does not change the detail it reads', () => {
    const detail = { conflicts: [{ message: 'a' }], rejectedValues: [{ index: 0, conflicts: [{ message: 'b' }] }] }
    const copy = structuredClone(detail)
    expect(messagesIn(detail).map((m) => m.message)).toEqual(['a', 'b'])
    expect(detail).toEqual(copy)
  })

  it('dates messages by their event and keeps the last error once', () => {
    const messages = dhis2MessagesOf([event(null, 'received'), event({ dhis2Message: 'Timeout' }, 'failed')], {
      dhis2Message: 'Timeout',
    })
    expect(messages).toEqual([{ at: '2025-03-01T10:00:00.000Z', status: 'failed', message: 'Timeout' }])
  })
})

describe('metrics', () => {
  it('reads the record counts at most once per TTL', async () => {
    let now = 0
    let reads = 0
    const metrics = createMetrics({ defaultMetrics: false, recordCountsTtlMs: 1000, now: () => now })
    metrics.collectFrom({ recordCounts: async () => (reads++, { imported: reads }) })
    await metrics.scrape()
    now = 500
    expect(await metrics.scrape()).toContain(`${METRIC_NAMES.records}{status="imported"} 1`)
    now = 1500
    expect(await metrics.scrape()).toContain(`${METRIC_NAMES.records}{status="imported"} 2`)
    expect(reads).toBe(2)
  })
})

describe('buildOpenApi', () => {
  it('names the input form of a schema Input when it differs from the answer form of the same name', () => {
    const Thing = named('Thing', z.object({ size: z.number().default(1) }))
    const route = defineRoute({
      operationId: 'echo',
      method: 'post',
      path: '/echo/{id}',
      tag: 'test',
      summary: 'Echo',
      access: { kind: 'public' },
      params: z.object({ id: z.string() }),
      body: Thing,
      responses: { 200: Thing },
      async handle({ body }) {
        return reply(200, body)
      },
    })
    const doc = buildOpenApi([route], { version: 'test' }) as {
      components: { schemas: Record<string, { required?: string[] }> }
      paths: Record<string, Record<string, { requestBody: unknown }>>
    }
    expect(doc.components.schemas.Thing?.required).toEqual(['size'])
    expect(doc.components.schemas.ThingInput?.required).toBeUndefined()
    expect(JSON.stringify(doc.paths['/echo/{id}']!.post!.requestBody)).toContain('#/components/schemas/ThingInput')
  })
})

describe('toApiError', () => {
  it.each<[string, unknown, number | undefined, string | undefined]>([
    ['an unknown source', new UnknownSourceError('x'), 404, 'unknown-source'],
    ['an unknown run', new NotFoundError('no run r1'), 404, 'not-found'],
    ['an unknown record', new RecordNotFoundError('r1'), 404, 'not-found'],
    ['a state conflict', new StateConflictError('not quarantined'), 409, 'state-conflict'],
    ['a run already ended', new RunStateError('already cancelled'), 409, 'state-conflict'],
    ['an empty file', new UnreadableFileError('empty-file', 'The file is empty.'), 400, 'empty-file'],
    ['an .xls file', new UnreadableFileError('unsupported-format', 'xls'), 415, 'unsupported-format'],
    ['DHIS2 down', new Dhis2Error('timeout', { kind: 'transient', reason: 'timeout' }), 503, 'dhis2-unavailable'],
    [
      'DHIS2 refusing us',
      new Dhis2Error('401', { kind: 'permanent', reason: 'http', status: 401 }),
      502,
      'dhis2-unavailable',
    ],
    ['anything else', new TypeError('boom'), undefined, undefined],
  ])('maps %s', (_what, error, status, code) => {
    const mapped = toApiError(error)
    expect(mapped?.status).toBe(status)
    expect(mapped?.code).toBe(code)
  })
})
