/**
 * The `completion` part of a spec: which records are whole reports, and when they were submitted.
 */
import { fieldsUsedBy } from './mapper'
import { mapperFor } from '../../test-fixtures/seed'
import { submissionInstant } from './completion'
import { loadSpec } from '../spec/load'

function spec(completion: string): string {
  return `id: test
version: 1
description: test
source: { kind: csv }
identity: { key: [rc, mois] }
target: { kind: dataValueSet, dataSet: RC_MENSUEL }
orgUnit: { field: rc }
period: { field: mois }
${completion}
values:
  - { dataElement: RC_VAD, field: vad }
`
}

const row = { rc: 'RC-AQ-00001', mois: '2026-09', vad: '12' }

describe('submissionInstant', () => {
  it.each([
    ['2026-10-03T10:15:00', '2026-10-03T10:15:00.000Z'],
    ['2026-10-03T10:15:00.123Z', '2026-10-03T10:15:00.123Z'],
    ['2026-10-03T11:15:00+01:00', '2026-10-03T10:15:00.000Z'],
    ['2026-10-03 11:15+0100', '2026-10-03T10:15:00.000Z'],
    ['2026-10-03', '2026-10-03T00:00:00.000Z'],
  ])('%s → %s', (text, instant) => expect(submissionInstant(text)).toBe(instant))

  it.each(['03/10/2026', 'hier', '2026-13-45T10:00:00', ''])('%s is not a date-time', (text) =>
    expect(submissionInstant(text)).toBeUndefined(),
  )
})

describe('which records are whole reports', () => {
  it('none by default: no completion', () => {
    expect(mapperFor(spec('')).map(row).completion).toBeUndefined()
  })

  it('report: true — every record, with its submission time', () => {
    const mapper = mapperFor(spec('completion: { report: true, submittedAt: envoye_le }'))
    expect(mapper.map({ ...row, envoye_le: '2026-10-03T10:15:00' }).completion).toEqual({
      partial: false,
      submittedAt: '2026-10-03T10:15:00.000Z',
    })
    // Unknown or unreadable: the import's own time will be used.
    expect(mapper.map({ ...row, envoye_le: 'hier' }).completion).toEqual({ partial: false })
  })

  it('a condition: only the rows that say so', () => {
    const mapper = mapperFor(spec('completion: { report: { field: complet, equals: [oui, yes] }, partial: true }'))
    expect(mapper.map({ ...row, complet: ' OUI ' }).completion).toEqual({ partial: true })
    expect(mapper.map({ ...row, complet: 'non' }).completion).toBeUndefined()
    expect(mapper.map(row).completion).toBeUndefined()
  })

  it('the fields it reads are kept when a record is received', () => {
    const loaded = loadSpec(spec('completion: { report: { field: complet, equals: oui }, submittedAt: envoye_le }'))
    if (!loaded.ok) throw new Error('spec did not load')
    expect([...fieldsUsedBy(loaded.spec)]).toEqual(expect.arrayContaining(['complet', 'envoye_le']))
  })

  it('a misspelt key is named with what the place takes', () => {
    const loaded = loadSpec(spec('completion: { report: true, submitedAt: x }'))
    expect(loaded.ok).toBe(false)
    if (loaded.ok) return
    expect(loaded.errors[0]?.message.en).toBe('unknown key `submitedAt`')
    expect(loaded.errors[0]?.line).toBe(9)
  })
})
