// Test-only: a fake DHIS2 that answers the entry's requests like the stand-in, and the app rendered against it.
import { json, renderRoutes, type CustomData } from '../../app/testing/renderRoutes'
import { memoryQueueStorage } from '../../offline/storage'
import type { PendingItem } from '../../offline/types'
import type { CurrentUser } from '../../shared/currentUser'
import type { Registration } from '../../shared/dhis2/registrations'
import type { DataValueJson, MinMaxJson } from '../data/reportValues'
import type { DataSetMeta } from '../metadata/types'
import type { OrgUnitNode } from '../../shared/orgunits/types'
import { DATA_SET, DE, OU_RC, OU_ZONE, RC_PATH, RULE_TDR_POS, SERVER_DATE, TARGET_ELEMENTS } from './fixtures'

type Params = Record<string, string>

export { json }

export const RC_USER: CurrentUser = {
  id: 'usrRelais01',
  name: 'Mathias Hounsou',
  username: 'relais',
  authorities: ['F_DATAVALUE_ADD'],
  userGroups: [{ id: 'grpRc000001', code: 'RELAIS_RC', name: 'Relais communautaires' }],
  organisationUnits: [{ id: OU_RC, name: 'RC Mathias Hounsou (Grand-Popo)', level: 5 }],
}

export const SUPERVISOR: CurrentUser = {
  id: 'usrSuperv01',
  name: 'Codjo Agossou',
  username: 'superviseur',
  authorities: ['F_DATAVALUE_ADD'],
  userGroups: [{ id: 'grpSup00001', code: 'RELAIS_SUPERVISEURS', name: 'Superviseurs' }],
  organisationUnits: [{ id: OU_ZONE, name: 'ZS Ouidah', level: 3 }],
}

export const UNITS: Record<string, OrgUnitNode> = {
  [OU_RC]: { id: OU_RC, displayName: 'RC Mathias Hounsou (Grand-Popo)', code: 'RC-AQ-00001', level: 5, path: RC_PATH },
  [OU_ZONE]: {
    id: OU_ZONE,
    displayName: 'ZS Ouidah',
    code: 'ZS-AQ-01',
    level: 3,
    path: '/ouBenin0001/ouDepAq0001/ouZsAq00001',
  },
}

export interface FakeDhis2Options {
  user?: CurrentUser
  values?: DataValueJson[]
  registrations?: Registration[]
  /** Answers POST /api/dataValues; throw to refuse. Default: accepted. */
  saveValue?: (params: Params) => void
  /** Answers the org unit search. */
  search?: (params: Record<string, unknown>) => OrgUnitNode[]
  path?: string
  /** What a previous visit left in the device's queue. */
  queued?: PendingItem[]
  /** The user's message conversations (GET messageConversations). */
  messages?: unknown[]
  /** DHIS2's min–max ranges of the RC's boxes (GET minMaxDataElements). */
  ranges?: MinMaxJson[]
  /** Changes to the monthly data set (compulsory boxes, say). */
  dataSet?: Partial<DataSetMeta>
}

export function renderApp(options: FakeDhis2Options = {}) {
  const user = options.user ?? RC_USER
  const saved: Params[] = []
  const completions: Array<{ completeDataSetRegistrations: Array<Record<string, unknown>> }> = []
  const searches: Array<Record<string, unknown>> = []
  let registrations = options.registrations ?? []
  const storage = memoryQueueStorage(options.queued)
  const data: CustomData = {
    me: async () => json(user),
    // The monthly report (as the entry reads it, plus its timely days) and the yearly targets.
    dataSets: json({
      dataSets: [
        { ...DATA_SET, ...options.dataSet, timelyDays: 5 },
        { id: 'dsRcCibles1', code: 'RC_CIBLES', periodType: 'Yearly', expiryDays: 0 },
      ],
    }),
    dataElements: json({ dataElements: [...Object.values(DE), ...TARGET_ELEMENTS] }),
    validationRules: json({ validationRules: [RULE_TDR_POS] }),
    'system/info': { serverDate: SERVER_DATE },
    organisationUnits: async (_type, query) => {
      if (query.id) return json(UNITS[query.id])
      const params = (query.params ?? {}) as Record<string, unknown>
      searches.push(params)
      const found = options.search?.(params) ?? []
      return json({ pager: { page: 1, total: found.length, pageSize: 20 }, organisationUnits: found })
    },
    messageConversations: async () => json({ messageConversations: options.messages ?? [] }),
    dataValueSets: async () => json({ dataValues: options.values ?? [] }),
    minMaxDataElements: async () => json({ minMaxDataElements: options.ranges ?? [] }),
    dataValues: async (_type, query) => {
      const params = query.params as Params
      options.saveValue?.(params)
      saved.push(params)
      return {}
    },
    completeDataSetRegistrations: async (type, query) => {
      if (type !== 'create') return json({ completeDataSetRegistrations: registrations })
      const body = query.data as (typeof completions)[number]
      completions.push(body)
      const item = body.completeDataSetRegistrations[0] ?? {}
      // DHIS2 (and the stand-in): the supplied date or now, overwriting the old one.
      registrations = [
        {
          dataSet: String(item.dataSet),
          period: String(item.period),
          organisationUnit: String(item.organisationUnit),
          date: typeof item.date === 'string' ? item.date : SERVER_DATE,
          completed: item.completed !== false,
        },
      ]
      return { httpStatus: 'OK', status: 'OK', response: { status: 'SUCCESS', importCount: { imported: 1 } } }
    },
  }
  const view = renderRoutes({ data, path: options.path ?? '/saisie', queueStorage: storage })
  return { ...view, saved, completions, searches, storage, registrations: () => registrations }
}
