/**
 * A data set element's category combo overrides the data element's own (web-api §6.1,
 * DataSetElement.getResolvedCategoryCombo): the metadata API shows it, and strict COC checks use it.
 */
import { startStandin, type Client } from './support'

let c: Client
let ids: { de: string; ou: string; male: string; def: string; ageCoc: string }

beforeAll(async () => {
  c = await startStandin({ now: '2026-10-03T09:00:00Z' })
  const { state } = c.standin.ctx
  const sexe = state.metadata.categoryCombos.find((x) => x.code === 'SEXE')!
  const monthly = state.metadata.dataSets.find((d) => d.code === 'RC_MENSUEL')!
  const vad = state.metadata.dataElements.find((d) => d.code === 'RC_VAD')!
  // Home visits disaggregated by sex in this data set only.
  monthly.dataSetElements.find((e) => e.dataElement.id === vad.id)!.categoryCombo = { id: sexe.id }
  c.standin.ctx.reindex()
  ids = {
    de: vad.id,
    ou: state.metadata.organisationUnits.find((o) => o.code === 'RC-AQ-00001')!.id,
    male: state.metadata.categoryOptionCombos.find((x) => x.code === 'M')!.id,
    def: state.metadata.categoryOptionCombos.find((x) => x.code === 'default')!.id,
    ageCoc: state.metadata.categoryOptionCombos.find((x) => x.code === 'M_A_15_24')!.id,
  }
})
afterAll(() => c.close())

test('the override shows in dataSetElements[categoryCombo], the element keeps its own combo', async () => {
  const res = await c.call(
    'GET',
    '/api/dataSets?filter=code:eq:RC_MENSUEL&fields=dataSetElements[dataElement[code,categoryCombo[code]],categoryCombo[code]]',
  )
  const element = res.body.dataSets[0].dataSetElements.find(
    (e: { dataElement: { code: string } }) => e.dataElement.code === 'RC_VAD',
  )
  expect(element).toEqual({
    dataElement: { code: 'RC_VAD', categoryCombo: { code: 'default' } },
    categoryCombo: { code: 'SEXE' },
  })
})

test.each([
  { coc: 'male', status: 200, imported: 1 },
  { coc: 'def', status: 200, imported: 1 },
])('without strict checks a value with the $coc COC is imported', async ({ coc, status, imported }) => {
  const res = await c.call('POST', '/api/dataValueSets', {
    body: {
      dataValues: [
        {
          dataElement: ids.de,
          period: '202609',
          orgUnit: ids.ou,
          categoryOptionCombo: ids[coc as 'male' | 'def'],
          value: '12',
        },
      ],
    },
  })
  expect(res.status).toBe(status)
  expect(res.body.response.importCount.imported + res.body.response.importCount.updated).toBe(imported)
})

// DHIS2's strict check accepts the COCs of every combo the element has — its own and each data set
// element override (DataElement.getCategoryOptionCombos) — and refuses any other.
test('with strictCategoryOptionCombos: M (override) and default (own) pass, a SEXE_AGE COC is E7634', async () => {
  const res = await c.call('POST', '/api/dataValueSets?strictCategoryOptionCombos=true', {
    body: {
      dataValues: [
        { dataElement: ids.de, period: '202609', orgUnit: ids.ou, categoryOptionCombo: ids.male, value: '13' },
        { dataElement: ids.de, period: '202609', orgUnit: ids.ou, categoryOptionCombo: ids.ageCoc, value: '14' },
        { dataElement: ids.de, period: '202609', orgUnit: ids.ou, categoryOptionCombo: ids.def, value: '15' },
      ],
    },
  })
  expect(res.status).toBe(409)
  expect(res.body.status).toBe('WARNING')
  expect(res.body.response.conflicts).toEqual([
    expect.objectContaining({ errorCode: 'E7634', property: 'categoryOptionCombo', indexes: [1] }),
  ])
  expect(res.body.response.importCount.updated).toBe(2)
})
