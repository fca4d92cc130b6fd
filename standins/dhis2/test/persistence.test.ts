/** The demo keeps its data between restarts: a saved state loads back whole into a new stand-in. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStandin } from '../src/server'
import { loadState } from '../src/store/persistence'
import { startStandin } from './support'

test('values, registrations, dataStore and users survive save → restart from the file', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'standin-state-')), 'state.json')
  const first = await startStandin({ now: '2026-10-03T09:00:00Z', stateFile: file })
  const ctx = first.standin.ctx
  const ou = ctx.state.metadata.organisationUnits.find((o) => o.code === 'RC-AQ-00001')!.id
  const de = ctx.state.metadata.dataElements.find((d) => d.code === 'RC_VAD')!.id
  const post = await first.call('POST', '/api/dataValueSets', {
    body: { dataValues: [{ dataElement: de, period: '202609', orgUnit: ou, value: '31', comment: 'saisi en retard' }] },
  })
  expect(post.status).toBe(200)
  await first.call('POST', '/api/dataStore/relais-test/gap-1', { body: { cause: 'maladie' } })
  const valuesBefore = ctx.state.dataValues.size
  const registrationsBefore = ctx.state.registrations.size
  first.standin.save()
  await first.close()

  const second = createStandin({ loadFrom: file })
  const url = await second.listen()
  try {
    expect(second.ctx.state.dataValues.size).toBe(valuesBefore)
    expect(second.ctx.state.registrations.size).toBe(registrationsBefore)
    const auth = { Authorization: `Basic ${Buffer.from('admin:district').toString('base64')}` }
    const value = await fetch(`${url}/api/dataValueSets?dataElement=${de}&period=202609&orgUnit=${ou}`, {
      headers: auth,
    })
    const body = (await value.json()) as { dataValues: { value: string; comment?: string }[] }
    expect(body.dataValues).toEqual([expect.objectContaining({ value: '31', comment: 'saisi en retard' })])
    const stored = await fetch(`${url}/api/dataStore/relais-test/gap-1`, { headers: auth })
    expect(await stored.json()).toEqual({ cause: 'maladie' })
    const login = await fetch(`${url}/api/me`, {
      headers: { Authorization: `Basic ${Buffer.from('relais:Relais-2026').toString('base64')}` },
    })
    expect(login.status).toBe(200)
  } finally {
    await second.close()
  }
})

test('a file that is not a stand-in state is refused with a clear message', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'standin-state-')), 'other.json')
  writeFileSync(file, JSON.stringify({ hello: 'world' }))
  expect(() => loadState(file)).toThrow(
    'Not a stand-in state file (format undefined, expected relais-dhis2-standin-state/2)',
  )
})
