/**
 * Property-based tests (fast-check, 1,000 runs each) on both committed specs: the mapper never throws
 * (nor falls back to its safety net), every value it emits passes the shared DHIS2 data-value rules,
 * and the same input always gives the same output.
 */
import fc from 'fast-check'
import { index, mapperFor, NOW, snapshot } from '../../test-fixtures/seed'
import { createDataValueValidator } from '../dhis2/data-value-rules'
import { STRICT_IMPORT_OPTIONS } from './compile'
import type { Mapper } from './types'

const RUNS = { numRuns: 1000 }

const rcCodes = snapshot.organisationUnits.map((o) => o.code ?? o.id)
const rcCode = fc.oneof(
  fc.constantFrom(...rcCodes),
  fc.constantFrom(...rcCodes).map((c) => ` ${c.toLowerCase()} `),
  fc.constantFrom('RC-AQ-4', 'RC-XX-00001', '', '-', 'N/A'),
  fc.string(),
)
const month = fc.oneof(
  fc.constantFrom(
    '2026-09',
    '09/2026',
    '9/2026',
    'sept. 2026',
    'septembre 2026',
    '2026-08',
    '2026-10',
    '202609',
    '2026Q3',
    '2026',
  ),
  fc.integer({ min: 10000, max: 99999 }).map(String),
  fc.integer({ min: 45000, max: 47000 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string(),
)
const cell = fc.oneof(
  fc.nat({ max: 300 }).map(String),
  fc.constantFrom('1 200', '1,0', '2,5', '1,200', '-3', ' 7 ', '007', '', '-', 'N/A', 'oui', 'NON', 'x', '0', '1'),
  fc.constantFrom('=SUM(A1:A3)', "=cmd|' /C calc'!A0", 'peut-être', '1e3', '\u00a0', 'n/a'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string(),
  fc.string({ minLength: 1990, maxLength: 2100 }),
)

const csvFields = [
  'code_rc',
  'mois',
  'sens_m_moins15',
  'sens_m_15_24',
  'sens_m_25plus',
  'sens_f_moins15',
  'sens_f_15_24',
  'sens_f_25plus',
  'preservatifs_m',
  'preservatifs_f',
  'autotest_m',
  'autotest_f',
  'ref_depist_m',
  'ref_depist_f',
  'pdv_recherches',
  'pdv_retrouves',
  'tb_presumes_m',
  'tb_presumes_f',
  'tb_suivi_dot',
  'palu_fievre_m',
  'palu_fievre_f',
  'palu_tdr',
  'palu_tdr_pos',
  'palu_cta_24h',
  'palu_ref_grave',
  'palu_milda',
  'vad',
  'causeries',
  'rupture',
  'difficultes',
]
const koboField = (f: string) =>
  f.startsWith('palu_')
    ? `palu/${f.slice(5)}`
    : f.startsWith('tb_')
      ? `tb/${f.slice(3)}`
      : ['vad', 'causeries', 'rupture', 'difficultes'].includes(f)
        ? `general/${f}`
        : `vih/${f}`

/** A record of the spec's fields (each maybe absent) plus maybe unknown keys, with messy values. */
function records(kobo: boolean): fc.Arbitrary<Record<string, unknown>> {
  const valueFields = csvFields.slice(2).map((f) => (kobo ? koboField(f) : f))
  const shape: Record<string, fc.Arbitrary<unknown>> = {
    [kobo ? 'identification/rc_code' : 'code_rc']: rcCode,
    [kobo ? 'identification/mois' : 'mois']: month,
  }
  for (const f of valueFields) shape[f] = cell
  if (kobo) {
    shape._id = fc.oneof(fc.nat(), fc.string())
    shape['meta/instanceID'] = fc.uuid().map((u) => `uuid:${u}`)
  }
  return fc
    .tuple(
      fc.record(shape, { requiredKeys: [] }),
      fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'remarque')), cell, {
        maxKeys: 3,
      }),
    )
    .map(([known, extra]) => Object.assign(Object.create(null) as Record<string, unknown>, extra, known))
}

const validator = () =>
  createDataValueValidator({
    index,
    options: STRICT_IMPORT_OPTIONS,
    user: {
      id: 'checker',
      username: 'checker',
      captureOrgUnitIds: snapshot.organisationUnits.filter((o) => !o.parent).map((o) => o.id),
      authorities: [],
      isSuperuser: false,
    },
    now: NOW,
    context: { dataSet: index.objects.dataSets.byCode.get('RC_MENSUEL'), raw: {} },
  })

describe.each([
  ['kobo-rapport-rc', true],
  ['csv-partenaires', false],
])('%s properties', (name, kobo) => {
  const mapper: Mapper = mapperFor(name)
  const check = validator()

  it('never throws, whatever the record', () => {
    fc.assert(
      fc.property(fc.oneof(records(kobo), fc.anything()), (record) => {
        const result = mapper.map(record)
        expect(result.errors.filter((e) => e.code === 'MAPPER_FAILURE')).toEqual([])
        for (const issue of [...result.errors, ...result.warnings]) {
          expect(typeof issue.code).toBe('string')
          expect(issue.message.fr.length).toBeGreaterThan(0)
          expect(issue.message.en.length).toBeGreaterThan(0)
        }
      }),
      RUNS,
    )
  })

  it('every value it emits passes the shared data-value rules', () => {
    fc.assert(
      fc.property(records(kobo), (record) => {
        const result = mapper.map(record)
        for (const value of result.dataValues) {
          const verdict = check.check(value)
          expect(verdict.ok ? 'ok' : verdict.conflict).toBe('ok')
          if (verdict.ok) expect(verdict.value).toBe(value.value)
        }
        if (result.status === 'ok') expect(result.errors).toEqual([])
      }),
      RUNS,
    )
  })

  it('the same input gives the same output (also from a fresh mapper, and in a batch)', () => {
    const fresh = mapperFor(name)
    fc.assert(
      fc.property(fc.array(records(kobo), { maxLength: 4 }), (batch) => {
        const first = batch.map((r) => mapper.map(r))
        expect(batch.map((r) => mapper.map(r))).toEqual(first)
        expect(batch.map((r) => fresh.map(r))).toEqual(first)
        expect(mapper.mapBatch(batch)).toEqual(fresh.mapBatch(batch))
      }),
      RUNS,
    )
  })
})
