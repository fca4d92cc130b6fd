import { Dhis2Error } from '../../dhis2/errors'
import type { OutgoingValue } from './batches'
import { answerMayBeLost, readBack, recordsHeld, sameValue } from './read-back'

const key = { dataElement: 'deVad000001', period: '202609', orgUnit: 'ouRc0000001', categoryOptionCombo: 'cocDefault1' }
const sent = (recordId: string, value: string, extra: Partial<OutgoingValue> = {}): OutgoingValue => ({
  ...key,
  attributeOptionCombo: 'cocDefault1',
  recordId,
  hash: `h-${recordId}-${value}`,
  value,
  ...extra,
})

test('a record is held when DHIS2 has every one of its values as sent, numbers compared as numbers', () => {
  const values = [
    sent('r1', '5'),
    sent('r1', '2', { dataElement: 'deOther0001' }),
    sent('r2', '7', { orgUnit: 'ouRc0000002' }),
    sent('r3', '', { orgUnit: 'ouRc0000003', deleted: true, value: undefined }),
  ]
  const held = [
    { ...key, attributeOptionCombo: 'cocDefault1', value: '5.0' },
    { ...key, dataElement: 'deOther0001', attributeOptionCombo: 'cocDefault1', value: '2' },
    { ...key, orgUnit: 'ouRc0000002', attributeOptionCombo: 'cocDefault1', value: '8' },
  ]
  expect([...recordsHeld(values, held)].sort()).toEqual(['r1', 'r3'])
  // One missing value is enough to leave the record to the retry.
  expect([...recordsHeld(values, held.slice(1))].sort()).toEqual(['r3'])
  // A zero DHIS2 did not keep (zero not significant) is held too.
  expect([...recordsHeld([sent('r5', '0', { orgUnit: 'ouRc0000009' })], held)]).toEqual(['r5'])
  // A value sent without attribute option combo matches DHIS2's default one.
  expect([...recordsHeld([sent('r4', '5', { attributeOptionCombo: undefined })], held)]).toEqual(['r4'])
})

test('before a push (absent is not empty): a zero or empty value DHIS2 does not hold is still to be sent', () => {
  const held = [{ ...key, attributeOptionCombo: 'cocDefault1', value: '5' }]
  // The zero may be significant: the record is sent, not taken as held.
  expect([...recordsHeld([sent('r5', '0', { orgUnit: 'ouRc0000009' })], held, false)]).toEqual([])
  expect([...recordsHeld([sent('r6', '', { orgUnit: 'ouRc0000009' })], held, false)]).toEqual([])
  // What DHIS2 holds as sent, and a deletion of what it does not hold, are held either way.
  expect([...recordsHeld([sent('r1', '5.0')], held, false)]).toEqual(['r1'])
  const deletion = sent('r3', '', { orgUnit: 'ouRc0000003', deleted: true, value: undefined })
  expect([...recordsHeld([deletion], held, false)]).toEqual(['r3'])
})

test('text compares exactly; only errors after which DHIS2 may have saved lead to a read-back', () => {
  expect(sameValue('Rupture de TDR', 'Rupture de TDR')).toBe(true)
  expect(sameValue('01', '1')).toBe(true)
  expect(sameValue('oui', 'Oui')).toBe(false)
  const err = (reason: 'timeout' | 'network' | 'http', extra: Record<string, unknown> = {}) =>
    new Dhis2Error(`x`, { kind: 'transient', reason, ...extra })
  expect(answerMayBeLost(err('timeout'))).toBe(true)
  expect(answerMayBeLost(err('network', { networkCode: 'ECONNRESET' }))).toBe(true)
  expect(answerMayBeLost(err('network', { networkCode: 'ECONNREFUSED' }))).toBe(false)
  expect(answerMayBeLost(err('http', { status: 504 }))).toBe(true)
  expect(answerMayBeLost(err('http', { status: 503 }))).toBe(false)
})

test('a push batch of 5,000 values (≈ 180 RCs) is read in one request, each read short enough for any proxy', async () => {
  const reads: string[][] = []
  const dhis2 = {
    getDataValues: async (query: { orgUnits: readonly string[] }) => {
      reads.push([...query.orgUnits])
      return []
    },
  }
  const orgUnits = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ orgUnit: `ouRc${String(i).padStart(7, '0')}` }))
  await readBack(dhis2, 'dsRcMensuel', '202609', orgUnits(179))
  expect(reads).toHaveLength(1)
  reads.length = 0
  // A Kobo batch of single-value records spans more RCs: several reads, every org unit once.
  await readBack(dhis2, 'dsRcMensuel', '202609', [...orgUnits(450), ...orgUnits(450)])
  expect(reads.flat().sort()).toEqual(
    orgUnits(450)
      .map((o) => o.orgUnit)
      .sort(),
  )
  expect(reads.length).toBe(3)
  // The org units travel comma-joined in the query: under 4 KB of the 8 KB request line Tomcat and nginx take.
  for (const read of reads) expect(encodeURIComponent(read.join(',')).length).toBeLessThan(4_096)
})
