/**
 * Speed of the compiled mapping (run: `npx tsx bench/mapping.ts`).
 *
 * Compiles mappings/specs/kobo-rapport-rc.yaml against the stand-in's demo seed (≈ 1,200 RC), generates
 * 100,000 Kobo submissions of September 2026 in Kobo's own shape (strings, group-prefixed fields, a few
 * unanswered questions), and maps them on one core with `mapper.map`. As the practical limit it maps the
 * same submissions with a hand-written plain function doing the same work — field reads, trimming,
 * blanks, numbers, the boolean, org unit and period look-ups, the shared DHIS2 data-value rules on every
 * value, the four validation rules — measured in the same run, alternating, best of the rounds.
 *
 * Prints records/s, values/s and the ratio; exits with 1 below 200,000 values/s or above 2× the
 * hand-written function. The Kobo form has 28 data values (≈ 27 answered on average); that is what
 * "values" counts.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  compileYaml,
  createDataValueValidator,
  MetadataIndex,
  STRICT_IMPORT_OPTIONS,
  type DataValue,
  type MapResult,
} from '@relais/mappings'
import { createSeededState } from '@relais/dhis2-standin'

const TOTAL = 100_000
const ROUNDS = 3
const MIN_VALUES_PER_SECOND = 200_000
const MAX_RATIO = 2
const NOW = '2026-10-05T10:00:00'

const { state } = createSeededState({
  size: 'demo',
  now: new Date('2026-10-05T09:00:00Z'),
  timeZone: 'Africa/Porto-Novo',
  months: 0,
})
const index = new MetadataIndex(state.metadata)
const rcs = state.metadata.organisationUnits.filter((o) => o.level === 5)

// ---------------------------------------------------------------------------------------------------
// Submissions
// ---------------------------------------------------------------------------------------------------

/** The form's numeric questions: Kobo field → [data element code, option combo code]. */
const NUMERIC: [string, string, string][] = [
  ['vih/sens_m_moins15', 'RC_VIH_SENS', 'M_A_MOINS15'],
  ['vih/sens_m_15_24', 'RC_VIH_SENS', 'M_A_15_24'],
  ['vih/sens_m_25plus', 'RC_VIH_SENS', 'M_A_25PLUS'],
  ['vih/sens_f_moins15', 'RC_VIH_SENS', 'F_A_MOINS15'],
  ['vih/sens_f_15_24', 'RC_VIH_SENS', 'F_A_15_24'],
  ['vih/sens_f_25plus', 'RC_VIH_SENS', 'F_A_25PLUS'],
  ['vih/preservatifs_m', 'RC_VIH_PRES_M', 'default'],
  ['vih/preservatifs_f', 'RC_VIH_PRES_F', 'default'],
  ['vih/autotest_m', 'RC_VIH_AUTOTEST', 'M'],
  ['vih/autotest_f', 'RC_VIH_AUTOTEST', 'F'],
  ['vih/ref_depist_m', 'RC_VIH_REF_DEPIST', 'M'],
  ['vih/ref_depist_f', 'RC_VIH_REF_DEPIST', 'F'],
  ['vih/pdv_recherches', 'RC_VIH_PDV_RECH', 'default'],
  ['vih/pdv_retrouves', 'RC_VIH_PDV_RETR', 'default'],
  ['tb/presumes_m', 'RC_TB_PRESUMES_REF', 'M'],
  ['tb/presumes_f', 'RC_TB_PRESUMES_REF', 'F'],
  ['tb/suivi_dot', 'RC_TB_SUIVI_DOT', 'default'],
  ['palu/fievre_m', 'RC_PALU_FIEVRE', 'M'],
  ['palu/fievre_f', 'RC_PALU_FIEVRE', 'F'],
  ['palu/tdr', 'RC_PALU_TDR', 'default'],
  ['palu/tdr_pos', 'RC_PALU_TDR_POS', 'default'],
  ['palu/cta_24h', 'RC_PALU_CTA_24H', 'default'],
  ['palu/ref_grave', 'RC_PALU_REF_GRAVE', 'default'],
  ['palu/milda', 'RC_PALU_MILDA', 'default'],
  ['general/vad', 'RC_VAD', 'default'],
  ['general/causeries', 'RC_CAUSERIES', 'default'],
]
const DIFFICULTIES = ['Pas de TDR depuis le 20', 'RAS', 'Pluies : villages difficiles d’accès', 'Rupture de CTA']

/** Deterministic pseudo-random numbers (mulberry32), so every run maps the same submissions. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function submissions(): Record<string, string>[] {
  const next = random(42)
  const int = (max: number) => Math.floor(next() * (max + 1))
  const out: Record<string, string>[] = []
  for (let i = 0; i < TOTAL; i++) {
    const rc = rcs[i % rcs.length]
    const s: Record<string, string> = {
      _id: String(48_000_000 + i),
      _uuid: `uuid-${i}`,
      _submission_time: '2026-10-03T09:12:44',
      'meta/instanceID': `uuid:${i}`,
      'identification/rc_code': rc?.code ?? '',
      'identification/mois': '2026-09',
    }
    for (const [field] of NUMERIC) s[field] = String(int(20))
    // Keep the validation rules true, as most real reports are.
    const tdr = int(30)
    const pos = int(tdr)
    s['palu/tdr'] = String(tdr)
    s['palu/tdr_pos'] = String(pos)
    s['palu/cta_24h'] = String(int(pos))
    const rech = int(10)
    s['vih/pdv_recherches'] = String(rech)
    s['vih/pdv_retrouves'] = String(int(rech))
    s['vih/autotest_m'] = String(int(3))
    s['vih/autotest_f'] = String(int(3))
    s['vih/sens_f_15_24'] = String(6 + int(20))
    s['general/rupture'] = next() < 0.2 ? 'oui' : 'non'
    if (next() < 0.7) s['general/difficultes'] = DIFFICULTIES[int(3)] ?? 'RAS'
    // An unanswered question is absent from a Kobo submission.
    if (next() < 0.3) delete s['palu/milda']
    out.push(s)
  }
  return out
}

// ---------------------------------------------------------------------------------------------------
// The compiled mapper
// ---------------------------------------------------------------------------------------------------

const compiled = compileYaml(readFileSync(join(__dirname, '../mappings/specs/kobo-rapport-rc.yaml'), 'utf8'), index, {
  now: NOW,
})
if (!compiled.ok) {
  console.error(compiled.errors)
  process.exit(1)
}
const mapper = compiled.mapper

// ---------------------------------------------------------------------------------------------------
// The hand-written function: the same mapping, written directly for this one form
// ---------------------------------------------------------------------------------------------------

function handWritten() {
  const dataSet = index.objects.dataSets.byCode.get('RC_MENSUEL')
  if (!dataSet) throw new Error('RC_MENSUEL missing')
  const validator = createDataValueValidator({
    index,
    options: STRICT_IMPORT_OPTIONS,
    user: {
      id: 'hand',
      username: 'hand',
      captureOrgUnitIds: state.metadata.organisationUnits.filter((o) => !o.parent).map((o) => o.id),
      authorities: [],
      isSuperuser: false,
    },
    now: NOW,
    context: { dataSet, raw: { dataSet: dataSet.id } },
  })
  const aoc = index.defaultCategoryOptionComboId
  const byCode = new Map<string, string>()
  for (const o of state.metadata.organisationUnits) if (o.code) byCode.set(o.code.toLowerCase(), o.id)
  const de = (code: string) => index.objects.dataElements.byCode.get(code)?.id ?? ''
  const coc = (code: string) => index.objects.categoryOptionCombos.byCode.get(code)?.id ?? ''
  const numeric = NUMERIC.map(([field, d, c]) => ({ field, de: de(d), coc: coc(c) }))
  const slot = (field: string) => numeric.findIndex((n) => n.field === field)
  const [tdr, pos, cta, rech, retr] = [
    'palu/tdr',
    'palu/tdr_pos',
    'palu/cta_24h',
    'vih/pdv_recherches',
    'vih/pdv_retrouves',
  ].map(slot)
  const sens = NUMERIC.flatMap(([, d], i) => (d === 'RC_VIH_SENS' ? [i] : []))
  const autotest = [slot('vih/autotest_m'), slot('vih/autotest_f')]
  const rupture = de('RC_RUPTURE')
  const difficultes = de('RC_DIFFICULTES')
  const numbers = new Float64Array(numeric.length)
  const present = new Uint8Array(numeric.length)
  const PLAIN = /^\d+$/
  const total = (slots: number[]) => slots.reduce((s, i) => s + (present[i] === 1 ? (numbers[i] ?? 0) : 0), 0)

  return (s: Record<string, string>) => {
    const dataValues: DataValue[] = []
    const errors: string[] = []
    const orgUnit = byCode.get((s['identification/rc_code'] ?? '').trim().toLowerCase())
    const month = /^(\d{4})-(\d{2})$/.exec((s['identification/mois'] ?? '').trim())
    if (!orgUnit || !month) return { dataValues, errors: ['record'] }
    const period = `${month[1]}${month[2]}`
    const push = (dataElement: string, categoryOptionCombo: string, value: string) => {
      const check = validator.check({
        dataElement,
        period,
        orgUnit,
        categoryOptionCombo,
        attributeOptionCombo: aoc,
        value,
      })
      if (!check.ok) {
        errors.push(check.conflict.errorCode)
        return false
      }
      if (check.value !== null) {
        dataValues.push({
          dataElement: check.dataElement,
          period: check.period,
          orgUnit: check.orgUnit,
          categoryOptionCombo: check.categoryOptionCombo,
          attributeOptionCombo: check.attributeOptionCombo,
          value: check.value,
        })
      }
      return true
    }
    present.fill(0)
    for (let i = 0; i < numeric.length; i++) {
      const n = numeric[i] as (typeof numeric)[number]
      const raw = s[n.field]
      if (raw === undefined) continue
      let text = raw.trim()
      if (text === '' || text === '-' || text === 'N/A') continue
      if (!PLAIN.test(text)) text = text.replace(/\s/g, '').replace(',', '.')
      if (push(n.de, n.coc, text)) {
        numbers[i] = Number(text)
        present[i] = 1
      }
    }
    const r = (s['general/rupture'] ?? '').trim().toLowerCase()
    if (r !== '')
      push(rupture, aoc, r === 'oui' || r === 'x' || r === '1' ? 'true' : r === 'non' || r === '0' ? 'false' : r)
    const d = (s['general/difficultes'] ?? '').trim()
    if (d !== '') push(difficultes, aoc, d)
    const value = (i: number | undefined) => (i !== undefined && present[i] === 1 ? (numbers[i] ?? 0) : 0)
    if (present[pos ?? -1] === 1 && value(pos) > value(tdr)) errors.push('VR_TDR_POS')
    if (present[cta ?? -1] === 1 && value(cta) > value(pos)) errors.push('VR_CTA')
    if (present[retr ?? -1] === 1 && value(retr) > value(rech)) errors.push('VR_PDV')
    if (autotest.some((i) => present[i] === 1) && total(autotest) > total(sens)) errors.push('VR_AUTOTEST_SENS')
    return { dataValues, errors }
  }
}

// ---------------------------------------------------------------------------------------------------
// Measure
// ---------------------------------------------------------------------------------------------------

const input = submissions()
const hand = handWritten()

function time(run: () => number): { ms: number; values: number } {
  const start = process.hrtime.bigint()
  const values = run()
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, values }
}
const runMapper = () => {
  let values = 0
  for (const s of input) values += (mapper.map(s) as MapResult).dataValues.length
  return values
}
const runHand = () => {
  let values = 0
  for (const s of input) values += hand(s).dataValues.length
  return values
}

// Same outcome first: the comparison is only fair if both map the same values.
const sample = input.slice(0, 2000)
const a = sample.reduce((n, s) => n + mapper.map(s).dataValues.length, 0)
const b = sample.reduce((n, s) => n + hand(s).dataValues.length, 0)
const invalid = sample.filter((s) => mapper.map(s).status !== 'ok').length
if (a !== b || invalid > 0) {
  console.error(`the two functions disagree on the sample: ${a} vs ${b} values, ${invalid} invalid records`)
  process.exit(1)
}

let best = { mapper: Infinity, hand: Infinity, values: 0 }
for (let round = 0; round < ROUNDS; round++) {
  const m = time(runMapper)
  const h = time(runHand)
  best = { mapper: Math.min(best.mapper, m.ms), hand: Math.min(best.hand, h.ms), values: m.values }
}

const seconds = best.mapper / 1000
const recordsPerSecond = TOTAL / seconds
const valuesPerSecond = best.values / seconds
const ratio = best.mapper / best.hand
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
console.log(
  `mapping ${fmt(TOTAL)} Kobo submissions (${(best.values / TOTAL).toFixed(1)} values each), best of ${ROUNDS}`,
)
console.log(
  `  compiled spec:  ${best.mapper.toFixed(0)} ms  ${fmt(recordsPerSecond)} records/s  ${fmt(valuesPerSecond)} values/s`,
)
console.log(
  `  hand-written:   ${best.hand.toFixed(0)} ms  ${fmt(TOTAL / (best.hand / 1000))} records/s  ${fmt(best.values / (best.hand / 1000))} values/s`,
)
console.log(
  `  ratio compiled / hand-written: ${ratio.toFixed(2)}× (target ≤ ${MAX_RATIO}×); target ≥ ${fmt(MIN_VALUES_PER_SECOND)} values/s`,
)

const failures: string[] = []
if (valuesPerSecond < MIN_VALUES_PER_SECOND)
  failures.push(`${fmt(valuesPerSecond)} values/s < ${fmt(MIN_VALUES_PER_SECOND)}`)
if (ratio > MAX_RATIO) failures.push(`ratio ${ratio.toFixed(2)}× > ${MAX_RATIO}×`)
if (failures.length > 0) {
  console.error(`FAILED: ${failures.join('; ')}`)
  process.exit(1)
}
console.log('OK')
