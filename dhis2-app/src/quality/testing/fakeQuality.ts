// Test-only: a fake DHIS2 that answers the data-quality screen's requests (outlier detection, validation rule
// analysis, follow-ups, data values, the dataStore's reviews) for one zone with two RC, and records what the
// screen wrote.
import { FetchError } from '@dhis2/app-runtime'
import { json, renderRoutes, type CustomData } from '../../app/testing/renderRoutes'
import type { CurrentUser } from '../../shared/currentUser'
import type { DataValueRow } from '../disaggregations'
import type { FollowupValue, OutlierValue, ValidationResultView } from '../findings'

type Resolver = Extract<CustomData[string], (...args: never[]) => unknown>

export const DS = 'dsRcMensuel'
export const DEFAULT = 'cocDefault1'
export const ZONE = {
  id: 'ouZsAq00001',
  displayName: 'ZS Ouidah',
  code: 'ZS-AQ-01',
  path: '/ouBenin0001/ouDepAq0001/ouZsAq00001',
}
const OTHER_ZONE = {
  id: 'ouZsZo00001',
  displayName: 'ZS Abomey',
  code: 'ZS-ZO-01',
  path: '/ouBenin0001/ouDepZo0001/ouZsZo00001',
}
const rc = (id: string, displayName: string, code: string) => ({
  id,
  displayName,
  code,
  level: 5,
  path: `${ZONE.path}/ouAsAq00001/${id}`,
})
export const RC_A = rc('ouRcAq00001', 'RC Afiavi Houénou', 'RC-AQ-00001')
export const RC_B = rc('ouRcAq00002', 'RC Bernard Dossou', 'RC-AQ-00002')

export const ELEMENTS = {
  vad: { id: 'deVad000001', displayName: 'Visites à domicile' },
  fever: { id: 'deFievre001', displayName: 'Enfants fébriles vus' },
}
const COMBOS = { m: { id: 'cocMasculin', displayName: 'Masculin' }, f: { id: 'cocFeminin1', displayName: 'Féminin' } }

export const OUTLIER: OutlierValue = {
  de: ELEMENTS.vad.id,
  deName: ELEMENTS.vad.displayName,
  pe: '202603',
  ou: RC_A.id,
  coc: DEFAULT,
  cocName: 'default',
  aoc: DEFAULT,
  value: 480,
  lowerBound: -10.2,
  upperBound: 52.3,
}
export const VIOLATION: ValidationResultView = {
  validationRuleId: 'vrTdrPos001',
  organisationUnitId: RC_B.id,
  periodId: '202610',
  attributeOptionComboId: DEFAULT,
  leftSideValue: 15,
  operator: '<=',
  rightSideValue: 13,
}
export const FOLLOWUP: FollowupValue = {
  de: ELEMENTS.fever.id,
  deName: ELEMENTS.fever.displayName,
  pe: '202609',
  ou: RC_B.id,
  coc: COMBOS.f.id,
  cocName: 'Féminin',
  aoc: DEFAULT,
  value: '75',
}

/** Both RC report every month of the year; RC A leaves « Féminin » of fever empty in October (always ≥ 6 before). */
function values(): DataValueRow[] {
  const months = ['202512', ...Array.from({ length: 11 }, (_, i) => `2026${String(i + 1).padStart(2, '0')}`)]
  return months.flatMap((pe) =>
    [RC_A, RC_B].flatMap((unit) => [
      { dataElement: ELEMENTS.vad.id, period: pe, orgUnit: unit.id, categoryOptionCombo: DEFAULT, value: '20' },
      { dataElement: ELEMENTS.fever.id, period: pe, orgUnit: unit.id, categoryOptionCombo: COMBOS.m.id, value: '7' },
      ...(unit === RC_A && pe === '202610'
        ? []
        : [
            {
              dataElement: ELEMENTS.fever.id,
              period: pe,
              orgUnit: unit.id,
              categoryOptionCombo: COMBOS.f.id,
              value: '8',
            },
          ]),
    ]),
  )
}

export interface FakeQualityOptions {
  user: CurrentUser
  path?: string
  /** DHIS2 refuses the checks (the role lacks F_RUN_VALIDATION). */
  forbidden?: boolean
  /** No finding at all. */
  clean?: boolean
  /** dataStore entries of namespace relais. */
  dataStore?: Record<string, unknown>
}

const forbidden = () =>
  new FetchError({ type: 'access', message: 'Access is denied', details: { httpStatusCode: 403 } as never })
const notFound = (key: string) =>
  new FetchError({ type: 'unknown', message: `Key '${key}' not found`, details: { httpStatusCode: 404 } as never })

export function renderQuality(options: FakeQualityOptions) {
  const store = new Map(Object.entries(options.dataStore ?? {}))
  const writes: Array<{ type: string; key: string; data: unknown }> = []
  const followupChanges: unknown[] = []
  const requests: Array<{ resource: string; params: Record<string, unknown> }> = []
  const followups = options.clean ? [] : [FOLLOWUP]
  const resolvers: Record<string, Resolver> = {
    me: async () => json(options.user),
    'system/info': async () => json({ serverDate: '2026-12-06T10:00:00.000' }),
    dataSets: async () =>
      json({
        dataSets: [
          {
            id: DS,
            dataSetElements: [
              { dataElement: { ...ELEMENTS.vad, categoryCombo: { code: 'default', categoryOptionCombos: [] } } },
              {
                dataElement: {
                  ...ELEMENTS.fever,
                  categoryCombo: { code: 'SEXE', categoryOptionCombos: [COMBOS.m, COMBOS.f] },
                },
              },
            ],
          },
        ],
      }),
    validationRules: async () =>
      json({ validationRules: [{ id: 'vrTdrPos001', displayName: 'TDR positifs ≤ TDR réalisés' }] }),
    organisationUnits: async (_type, query) => {
      const filter = String((query.params as { filter?: string } | undefined)?.filter ?? '')
      if (filter === 'level:eq:3') return json({ organisationUnits: [ZONE, OTHER_ZONE] })
      return json({ organisationUnits: [{ ...ZONE, level: 3 }, RC_A, RC_B] })
    },
    outlierDetection: async (_type, query) => {
      requests.push({ resource: 'outlierDetection', params: (query.params ?? {}) as Record<string, unknown> })
      if (options.forbidden) throw forbidden()
      return json({ outlierValues: options.clean ? [] : [OUTLIER] })
    },
    'dataAnalysis/validationRules': async (_type, query) => {
      requests.push({ resource: 'dataAnalysis/validationRules', params: (query.data ?? {}) as Record<string, unknown> })
      if (options.forbidden) throw forbidden()
      return json(options.clean ? [] : [VIOLATION])
    },
    'dataAnalysis/followup': async () => {
      if (options.forbidden) throw forbidden()
      return json({ followupValues: followups })
    },
    dataValueSets: async () => json({ dataValues: options.clean ? [] : values() }),
    'dataStore/relais': async (type, query) => {
      const key = query.id === undefined ? undefined : String(query.id)
      if (type === 'read') return json([...store].map(([k, value]) => ({ key: k, value })))
      if (type === 'replace' && key !== undefined) {
        if (!store.has(key)) throw notFound(key)
        writes.push({ type, key, data: query.data })
        store.set(key, query.data)
        return json({ httpStatus: 'OK' })
      }
      throw new Error(`fake DHIS2: ${type} dataStore/relais is not expected`)
    },
    dataValues: async (type, query) => {
      if (type !== 'replace' || query.id !== 'followup') throw new Error('fake DHIS2: only PUT dataValues/followup')
      followupChanges.push(query.data)
      // DHIS2 no longer lists the value once unmarked.
      followups.splice(0, followups.length)
      return json({})
    },
  }
  const data = new Proxy({} as CustomData, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined
      if (name in resolvers) return resolvers[name]
      const key = /^dataStore\/relais\/(.+)$/.exec(name)?.[1]
      if (key) {
        const resolver: Resolver = async (type, query) => {
          if (type === 'read') {
            if (!store.has(key)) throw notFound(key)
            return json(store.get(key))
          }
          writes.push({ type: 'create', key, data: query.data })
          store.set(key, query.data)
          return json({ httpStatus: 'Created' })
        }
        return resolver
      }
      if (name.startsWith('dataStore/relais-proofs')) return (async () => json({})) as Resolver
      return undefined
    },
  })
  const view = renderRoutes({ data, path: options.path ?? '/qualite' })
  return { ...view, writes, followupChanges, requests, store }
}
