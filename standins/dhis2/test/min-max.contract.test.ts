/**
 * Min–max ranges as core answers them (MinMaxDataElementController, dataentry/MinMaxValueController,
 * DefaultMinMaxDataElementService): upsert, list with filters and pager, delete, and the errors E2042–E2047.
 */
import { startStandin, type Client } from './support'

let c: Client
let ou = ''
let de = ''
let coc = ''
beforeAll(async () => {
  c = await startStandin()
  const meta = c.standin.ctx.state.metadata
  const relais = c.standin.ctx.state.users.find((u) => u.username === 'relais')
  ou = relais?.organisationUnits[0]?.id ?? ''
  const element = meta.dataElements.find((d) => d.code === 'RC_VAD')
  de = element?.id ?? ''
  coc = meta.categoryCombos.find((cc) => cc.id === element?.categoryCombo.id)?.categoryOptionCombos[0]?.id ?? ''
})
afterAll(() => c.close())

describe('min–max values', () => {
  it('stores a range, lists it by org unit and replaces it on a second write', async () => {
    const created = await c.call('POST', '/api/minMaxDataElements', {
      body: { source: { id: ou }, dataElement: { id: de }, optionCombo: { id: coc }, min: 2, max: 40 },
    })
    expect(created.status).toBe(201)
    const updated = await c.call('POST', '/api/dataEntry/minMaxValues', {
      body: { orgUnit: ou, dataElement: de, categoryOptionCombo: coc, minValue: 3, maxValue: 45 },
    })
    expect(updated.status).toBe(200)

    const list = await c.call('GET', `/api/minMaxDataElements?filter=source.id:eq:${ou}&paging=false`, { as: 'relais' })
    expect(list.status).toBe(200)
    expect(list.body).toEqual({
      minMaxDataElements: [
        { source: { id: ou }, dataElement: { id: de }, optionCombo: { id: coc }, min: 3, max: 45, generated: false },
      ],
    })
    const paged = await c.call('GET', `/api/minMaxDataElements?filter=dataElement.id:in:[${de},other]`)
    expect(paged.body.pager).toEqual({ page: 1, pageCount: 1, total: 1, pageSize: 50 })
    const elsewhere = await c.call('GET', `/api/minMaxDataElements?filter=source.id:eq:nobody&paging=false`)
    expect(elsewhere.body.minMaxDataElements).toEqual([])
  })

  it('refuses what DHIS2 refuses', async () => {
    const key = { orgUnit: ou, dataElement: de, categoryOptionCombo: coc }
    const noMin = await c.call('POST', '/api/dataEntry/minMaxValues', { body: { ...key, maxValue: 4 } })
    expect([noMin.status, noMin.body.errorCode]).toEqual([400, 'E2042'])
    const upsideDown = await c.call('POST', '/api/dataEntry/minMaxValues', {
      body: { ...key, minValue: 9, maxValue: 9 },
    })
    expect([upsideDown.status, upsideDown.body.errorCode]).toEqual([400, 'E2044'])
    const unknown = await c.call('POST', '/api/dataEntry/minMaxValues', {
      body: { ...key, dataElement: 'deNotThere1', minValue: 1, maxValue: 9 },
    })
    expect([unknown.status, unknown.body.errorCode]).toEqual([400, 'E2047'])
    const rc = await c.call('POST', '/api/dataEntry/minMaxValues', {
      as: 'relais',
      body: { ...key, minValue: 1, maxValue: 9 },
    })
    expect(rc.status).toBe(403)
    const badFilter = await c.call('GET', '/api/minMaxDataElements?filter=source.id:like:x')
    expect(badFilter.status).toBe(400)
  })

  it('deletes a range by parameters, then answers 404 E2047', async () => {
    const path = `/api/dataEntry/minMaxValues?de=${de}&ou=${ou}&co=${coc}`
    expect((await c.call('DELETE', path)).status).toBe(204)
    const again = await c.call('DELETE', path)
    expect([again.status, again.body.errorCode]).toEqual([404, 'E2047'])
    const list = await c.call('GET', `/api/minMaxDataElements?filter=source.id:eq:${ou}&paging=false`)
    expect(list.body.minMaxDataElements).toEqual([])
  })
})
