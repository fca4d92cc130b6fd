/**
 * The monthly RC report as an ODK XLSForm would declare it (shared/domain/sources.md §1): the same
 * groups and names as the partners' Kobo form, so one generator of answers serves both stand-ins.
 * Counts are `integer` questions, hence `int` in Central's schema and numbers in OData.
 */
import type { OdkField, OdkFormInput } from './store'

const INT_FIELDS = {
  vih: [
    'sens_m_moins15',
    'sens_m_15_24',
    'sens_m_25plus',
    'sens_f_moins15',
    'sens_f_15_24',
    'sens_f_25plus',
    'preservatifs_m',
    'preservatifs_f',
    'autotest_m',
    'autotest_f',
    'ref_depist_m',
    'ref_depist_f',
    'pdv_recherches',
    'pdv_retrouves',
  ],
  tb: ['presumes_m', 'presumes_f', 'suivi_dot'],
  palu: ['fievre_m', 'fievre_f', 'tdr', 'tdr_pos', 'cta_24h', 'ref_grave', 'milda'],
  general: ['vad', 'causeries'],
} as const

export const RC_FORM_ID = 'rc_rapport_mensuel'

export const RC_FORM_FIELDS: readonly OdkField[] = [
  { path: '/identification', type: 'structure' },
  { path: '/identification/rc_code', type: 'string' },
  { path: '/identification/mois', type: 'string' },
  ...(['vih', 'tb', 'palu'] as const).flatMap((group): OdkField[] => [
    { path: `/${group}`, type: 'structure' },
    ...INT_FIELDS[group].map((name): OdkField => ({ path: `/${group}/${name}`, type: 'int' })),
  ]),
  { path: '/general', type: 'structure' },
  ...INT_FIELDS.general.map((name): OdkField => ({ path: `/general/${name}`, type: 'int' })),
  { path: '/general/rupture', type: 'select1' },
  { path: '/general/difficultes', type: 'string' },
  { path: '/general/photo_registre', type: 'binary' },
  { path: '/meta', type: 'structure' },
  { path: '/meta/instanceID', type: 'string' },
]

export const rcForm = (xmlFormId: string = RC_FORM_ID): OdkFormInput => ({
  xmlFormId,
  name: 'RC - rapport mensuel',
  version: '2026090101',
  fields: RC_FORM_FIELDS,
})
