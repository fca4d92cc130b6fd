// Test-only: a supervisor's zone with four RC and known analytics answers for September 2026.
import type { OrgUnitNode } from '../../shared/orgunits/types'
import { SERVER_DATE } from '../../saisie/testing/fixtures'
import type { CurrentUser } from '../../shared/currentUser'

export const ZONE = 'ouZsAq00001'
export const AIRE = 'ouAsAq00001'
const ZONE_PATH = `/ouBenin0001/ouDepAq0001/${ZONE}`

const rc = (id: string, displayName: string, code: string): OrgUnitNode => ({
  id,
  displayName,
  code,
  level: 5,
  path: `${ZONE_PATH}/${AIRE}/${id}`,
})
export const RC = {
  a: rc('ouRcAq00001', 'RC Afiavi Houénou (Zè-Centre)', 'RC-AQ-00001'),
  b: rc('ouRcAq00002', 'RC Bernard Dossou (Ouidah)', 'RC-AQ-00002'),
  c: rc('ouRcAq00003', 'RC Céline Agbo (Pahou)', 'RC-AQ-00003'),
  d: rc('ouRcAq00004', 'RC Dénis Kpadé (Avlékété)', 'RC-AQ-00004'),
}

export const UNITS: Record<string, OrgUnitNode> = {
  ouBenin0001: { id: 'ouBenin0001', displayName: 'Bénin', code: 'BJ', level: 1, path: '/ouBenin0001' },
  [ZONE]: { id: ZONE, displayName: 'ZS Ouidah', code: 'ZS-AQ-01', level: 3, path: ZONE_PATH },
  [AIRE]: { id: AIRE, displayName: 'AS Ouidah-Centre', code: 'AS-AQ-01-01', level: 4, path: `${ZONE_PATH}/${AIRE}` },
  ...Object.fromEntries(Object.values(RC).map((u) => [u.id, u])),
}

export const SUPERVISOR: CurrentUser = {
  id: 'usrSuperv01',
  name: 'Codjo Agossou',
  username: 'superviseur',
  authorities: ['F_DATAVALUE_ADD', 'M_relais'],
  userGroups: [{ id: 'grpSup00001', code: 'RELAIS_SUPERVISEURS', name: 'Superviseurs' }],
  organisationUnits: [{ id: ZONE, name: 'ZS Ouidah', level: 3 }],
}

export const DATA_MANAGER: CurrentUser = {
  id: 'usrGestion1',
  name: 'Mathias Gbaguidi',
  username: 'gestionnaire',
  authorities: ['F_DATAVALUE_ADD', 'M_relais'],
  userGroups: [{ id: 'grpGest0001', code: 'RELAIS_GESTIONNAIRES', name: 'Gestionnaires de données' }],
  organisationUnits: [{ id: 'ouBenin0001', name: 'Bénin', level: 1 }],
}

/** The Relais administrator (ADMIN_AUTHOR of fakeDhis2: a member of RELAIS_ADMINS). */
export const ADMINISTRATOR: CurrentUser = {
  id: 'usrAdmin001',
  name: 'Admin Relais',
  username: 'admin.relais',
  authorities: ['M_relais'],
  userGroups: [{ id: 'grpAdmin001', code: 'RELAIS_ADMINS', name: 'Administrateurs Relais' }],
  organisationUnits: [{ id: 'ouBenin0001', name: 'Bénin', level: 1 }],
}

export const DS = 'dsRcMensuel'
export const DATA_SET = { id: DS, displayName: "RC - Rapport mensuel d'activités", timelyDays: 5 }
export const IND = {
  IND_TDR_POS: 'inTdrPos001',
  IND_CTA_24H: 'inCta24h001',
  IND_PDV_RETR: 'inPdvRetr01',
  IND_REAL_SENS: 'inRealSens1',
  IND_REAL_VAD: 'inRealVad01',
  IND_REAL_TDR: 'inRealTdr01',
}
export const INDICATORS = Object.entries(IND).map(([code, id]) => ({ id, code, displayName: code }))
export const GROUP_SET = { id: 'ougsActiv01', organisationUnitGroups: [{ id: 'ougRcActif1', code: 'OUG_RC_ACTIFS' }] }
export const ACTIVE_FILTER = 'ougsActiv01:ougRcActif1'

/** 3 October 2026, 10:00; analytics ran at 02:00 the same night. */
export const INFO = { serverDate: SERVER_DATE, lastAnalyticsTableSuccess: '2026-10-03T02:00:00.000' }

/** `dx|pe|ou` → [value, numerator, denominator], as analytics answers with includeNumDen. */
export type Cells = Record<string, [number, number?, number?]>

const RR = `${DS}.REPORTING_RATE`
const RR_T = `${DS}.REPORTING_RATE_ON_TIME`

function rcCells(id: string, reported: boolean, onTime: boolean, achievements?: [number, number, number]): Cells {
  const cells: Cells = {
    [`${RR}|202609|${id}`]: [reported ? 100 : 0, reported ? 1 : 0, 1],
    [`${RR_T}|202609|${id}`]: [onTime ? 100 : 0, onTime ? 1 : 0, 1],
  }
  if (achievements) {
    cells[`${IND.IND_REAL_SENS}|202609|${id}`] = [achievements[0], 0, 0]
    cells[`${IND.IND_REAL_VAD}|202609|${id}`] = [achievements[1], 0, 0]
    cells[`${IND.IND_REAL_TDR}|202609|${id}`] = [achievements[2], 0, 0]
  }
  return cells
}

/**
 * As of the 02:00 run: A reported on time (achievements 110/90/100 → Bon), B reported late (60/40/50 →
 * Moyen), C had not reported yet (30 % of targets), D never reports and has no targets.
 */
export const CELLS: Cells = {
  ...rcCells(RC.a.id, true, true, [110, 90, 100]),
  ...rcCells(RC.b.id, true, false, [60, 40, 50]),
  ...rcCells(RC.c.id, false, false, [30, 30, 30]),
  ...rcCells(RC.d.id, false, false),
  [`${RR}|202609|${ZONE}`]: [50, 2, 4],
  [`${RR_T}|202609|${ZONE}`]: [25, 1, 4],
  [`${RR}|202608|${ZONE}`]: [75, 3, 4],
  [`${RR_T}|202608|${ZONE}`]: [50, 2, 4],
  [`${IND.IND_TDR_POS}|202609|${ZONE}`]: [30, 6, 20],
  [`${IND.IND_CTA_24H}|202609|${ZONE}`]: [100, 6, 6],
  [`${IND.IND_PDV_RETR}|202609|${ZONE}`]: [50, 1, 2],
  [`${IND.IND_REAL_SENS}|202609|${ZONE}`]: [85.2, 511, 600],
  [`${IND.IND_REAL_VAD}|202609|${ZONE}`]: [70, 140, 200],
  [`${IND.IND_REAL_TDR}|202609|${ZONE}`]: [120, 168, 140],
  [`${RR}|202609|${AIRE}`]: [50, 2, 4],
  [`${RR_T}|202609|${AIRE}`]: [25, 1, 4],
}

const reg = (ou: string, date: string, completed = true) => ({
  period: '202609',
  organisationUnit: ou,
  date,
  completed,
})

/** A and B before the run; C at 08:30, after it (on time); D never. */
export const REGISTRATIONS = [
  reg(RC.a.id, '2026-10-01T09:00:00.000'),
  reg(RC.b.id, '2026-10-02T20:00:00.000'),
  reg(RC.c.id, '2026-10-03T08:30:00.000'),
]
