/**
 * `GET|DELETE /api/testing/writes` (test endpoints only): how many times each data value key was sent in a
 * non-dry-run `POST /api/dataValueSets`, whatever DHIS2 did with it — the bridge's scale-out test uses it to prove
 * that no value is sent twice (tests/faults/scale-out.test.ts).
 */
import { uid } from '../src/seed'
import { startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin({ seed: 'small', now: '2026-10-10T10:00:00Z', testEndpoints: true })
})
afterAll(() => c.close())

const rc1 = () => c.standin.ctx.index.usersByUsername.get('relais')!.organisationUnits[0]!.id
const value = (v: string) => ({ dataElement: uid('dataElement', 'RC_VAD'), period: '202501', orgUnit: rc1(), value: v })

test('each sent value is counted per key, identical re-sends too; dry runs are not; DELETE resets', async () => {
  const coc = uid('categoryOptionCombo', 'default')
  const key = `${rc1()}|202501|${uid('dataElement', 'RC_VAD')}||`
  expect((await c.call('POST', '/api/dataValueSets', { body: { dataValues: [value('3')] } })).status).toBe(200)
  // The same value again: DHIS2 ignores it, but it was sent a second time.
  expect((await c.call('POST', '/api/dataValueSets', { body: { dataValues: [value('3')] } })).status).toBe(200)
  expect((await c.call('POST', '/api/dataValueSets?dryRun=true', { body: { dataValues: [value('4')] } })).status).toBe(
    200,
  )
  await c.call('POST', '/api/dataValueSets', {
    body: { dataValues: [{ ...value('5'), period: '202502', categoryOptionCombo: coc }] },
  })

  const writes = await c.call('GET', '/api/testing/writes', { as: '' })
  expect(writes.body).toEqual({ values: 3, keys: 2, repeated: [[key, 2]] })

  expect((await c.call('DELETE', '/api/testing/writes', { as: '' })).status).toBe(200)
  expect((await c.call('GET', '/api/testing/writes', { as: '' })).body).toEqual({ values: 0, keys: 0, repeated: [] })
})

test('without --test-endpoints there is no counter', async () => {
  const off = await startStandin()
  try {
    expect((await off.call('GET', '/api/testing/writes', { as: '' })).status).toBe(404)
  } finally {
    await off.close()
  }
})
