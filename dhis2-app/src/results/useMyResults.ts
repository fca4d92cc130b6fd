// What « Mes résultats » reads from DHIS2 for one RC: the two data sets' rules (timely and expiry days), the
// ids of the counted elements and targets, DHIS2's clock, the RC's name, then — in one round — the RC's
// completions of the months shown and their values of the year. Nothing from analytics: the RC sees a
// report counted the moment they complete it.
import { useDataEngine } from '@dhis2/app-runtime'
import { DATA_SET_CODE, TARGETS_DATA_SET_CODE } from '../shared/programme'
import { serverNow } from '../shared/serverTime'
import { useLoad } from '../shared/useLoad'
import { myResults, shownPeriods, targetPeriods, type MyResults, type Registration, type ValueRow } from './myResults'

const MONTHLY = DATA_SET_CODE
const TARGETS = TARGETS_DATA_SET_CODE
const CODES = {
  sens: 'RC_VIH_SENS',
  vad: 'RC_VAD',
  tdr: 'RC_PALU_TDR',
  targetSens: 'RC_CIBLE_SENS',
  targetVad: 'RC_CIBLE_VAD',
  targetTdr: 'RC_CIBLE_TDR',
} as const

interface Meta {
  dataSets: { dataSets: Array<{ id: string; code: string; timelyDays?: number; expiryDays?: number }> }
  elements: { dataElements: Array<{ id: string; code: string }> }
  info: { serverDate: string }
  unit: { id: string; displayName: string; code?: string }
}

export interface LoadedResults {
  results: MyResults
  unit: { id: string; name: string; code?: string }
}

type Engine = ReturnType<typeof useDataEngine>

async function load(engine: Engine, orgUnit: string): Promise<LoadedResults> {
  const readAt = Date.now()
  const meta = (await engine.query({
    dataSets: {
      resource: 'dataSets',
      params: { filter: `code:in:[${MONTHLY},${TARGETS}]`, fields: 'id,code,timelyDays,expiryDays', paging: false },
    },
    elements: {
      resource: 'dataElements',
      params: { filter: `code:in:[${Object.values(CODES).join(',')}]`, fields: 'id,code', paging: false },
    },
    info: { resource: 'system/info' },
    unit: { resource: 'organisationUnits', id: orgUnit, params: { fields: 'id,displayName,code' } },
  })) as unknown as Meta
  const monthly = meta.dataSets.dataSets.find((d) => d.code === MONTHLY)
  const targets = meta.dataSets.dataSets.find((d) => d.code === TARGETS)
  if (!monthly) throw new Error(`The data set ${MONTHLY} was not found.`)
  const idOf = (code: string) => meta.elements.dataElements.find((e) => e.code === code)?.id
  const today = serverNow(meta.info.serverDate, readAt).slice(0, 10)
  const data = (await engine.query({
    registrations: {
      resource: 'completeDataSetRegistrations',
      params: {
        dataSet: monthly.id,
        orgUnit,
        period: shownPeriods(today).map((p) => p.id),
      },
    },
    values: {
      resource: 'dataValueSets',
      params: {
        dataSet: [monthly.id, ...(targets ? [targets.id] : [])],
        orgUnit,
        period: targetPeriods(today),
      },
    },
  })) as unknown as {
    registrations: { completeDataSetRegistrations?: Registration[] }
    values: { dataValues?: ValueRow[] }
  }
  const results = myResults({
    today,
    timelyDays: monthly.timelyDays ?? 0,
    expiryDays: monthly.expiryDays ?? 0,
    registrations: data.registrations.completeDataSetRegistrations ?? [],
    values: data.values.dataValues ?? [],
    elements: {
      sens: idOf(CODES.sens),
      vad: idOf(CODES.vad),
      tdr: idOf(CODES.tdr),
      targetSens: idOf(CODES.targetSens),
      targetVad: idOf(CODES.targetVad),
      targetTdr: idOf(CODES.targetTdr),
    },
  })
  return { results, unit: { id: meta.unit.id, name: meta.unit.displayName, code: meta.unit.code } }
}

export function useMyResults(orgUnit: string) {
  const engine = useDataEngine()
  return useLoad(`results|${orgUnit}`, () => load(engine, orgUnit))
}
