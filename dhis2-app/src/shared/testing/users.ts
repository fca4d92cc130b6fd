// Test-only: the signed-in users screen tests use (national roles see all of Bénin). One place, so that every
// screen's tests mean the same person by the same name.
import type { CurrentUser } from '../currentUser'

export const MANAGER: CurrentUser = {
  id: 'usrGestion1',
  name: 'Afiavi Dossou',
  username: 'gestionnaire',
  authorities: ['M_relais'],
  userGroups: [{ id: 'grpGest0001', code: 'RELAIS_GESTIONNAIRES', name: 'Gestionnaires de données' }],
  organisationUnits: [{ id: 'ouBenin0001', name: 'Bénin', level: 1 }],
}

export const ADMIN: CurrentUser = {
  ...MANAGER,
  id: 'usrAdmin001',
  name: 'Admin Relais',
  username: 'admin',
  authorities: ['ALL'],
  userGroups: [],
}

export const SUPERVISOR: CurrentUser = {
  ...MANAGER,
  id: 'usrSuperv01',
  name: 'Codjo Agossou',
  username: 'superviseur',
  authorities: [],
  userGroups: [{ id: 'grpSup00001', code: 'RELAIS_SUPERVISEURS', name: 'Superviseurs' }],
}
