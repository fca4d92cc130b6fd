import type { HeldValue } from '../../dhis2/client'
import type { ImportedValue } from '../../ledger/imported-values'
import type { OutgoingValue } from './batches'
import { valueHash } from '../hashing'
import { overwritesOf } from './overwrites'

const key = {
  dataElement: 'deVad000001',
  period: '202609',
  orgUnit: 'ouRc0000001',
  categoryOptionCombo: 'cocDefault1',
  attributeOptionCombo: 'cocDefault1',
}
const sent = (recordId: string, value: string, extra: Partial<OutgoingValue> = {}): OutgoingValue => ({
  ...key,
  recordId,
  hash: `h-${recordId}`,
  value,
  ...extra,
})
const held = (value: string, extra: Partial<HeldValue> = {}): HeldValue => ({
  ...key,
  value,
  storedBy: 'rc.akpro',
  lastUpdated: '2026-09-30T10:00:00.000',
  ...extra,
})

test('a value a person stored in DHIS2 stops the record that would change it, in that org unit only', () => {
  const values = [
    sent('r1', '7'),
    // Another org unit, same data element: DHIS2 holds nothing there.
    sent('r2', '7', { orgUnit: 'ouRc0000002' }),
    // The same value as DHIS2's: nothing is overwritten.
    sent('r3', '5.0', { dataElement: 'deOther0001' }),
  ]
  const found = overwritesOf(values, [held('5'), held('5', { dataElement: 'deOther0001' })], new Map())
  expect([...found.keys()]).toEqual(['r1'])
  expect(found.get('r1')).toEqual([
    {
      ...key,
      dhis2: { value: '5', storedBy: 'rc.akpro', lastUpdated: '2026-09-30T10:00:00.000' },
      incoming: '7',
    },
  ])
  // Nothing held in DHIS2 (a first import): nothing is overwritten.
  expect(overwritesOf(values, [], new Map()).size).toBe(0)
})

test('a value Relais itself wrote last, or one DHIS2 deleted, is not a person’s', () => {
  const ours = new Map<string, ImportedValue>([
    [
      `${key.dataElement}\u001f${key.period}\u001f${key.orgUnit}\u001f${key.categoryOptionCombo}\u001f${key.attributeOptionCombo}`,
      { ...key, contentHash: valueHash({ ...key, value: '5' }), recordId: 'r0', source: 'csv-partenaires' },
    ],
  ])
  expect(overwritesOf([sent('r1', '7')], [held('5')], ours).size).toBe(0)
  expect(overwritesOf([sent('r1', '7')], [held('5', { deleted: true })], new Map()).size).toBe(0)
  // A deletion of a person's value is an overwrite too (incoming null).
  const deletion = sent('r4', '', { deleted: true, value: undefined })
  expect(overwritesOf([deletion], [held('5')], new Map()).get('r4')?.[0]?.incoming).toBeNull()
})
