/** Roles of DHIS2 users, read from the DHIS2 stand-in with the bridge's service account. */
import { createStandin, type Standin, DEMO_BRIDGE_TOKEN } from '@relais/dhis2-standin'
import { Dhis2Client } from '../dhis2/client'
import { dhis2Directory } from './dhis2-directory'

let standin: Standin
let directory: ReturnType<typeof dhis2Directory>
beforeAll(async () => {
  standin = createStandin({ seed: 'small', months: 0 })
  const url = await standin.listen()
  directory = dhis2Directory(new Dhis2Client({ url, auth: { kind: 'token', token: DEMO_BRIDGE_TOKEN } }))
})
afterAll(() => standin.close())

test.each([
  ['gestionnaire', ['gestionnaire']],
  ['superviseur', ['superviseur']],
  ['relais', ['relais']],
  ['administrateur', ['administrateur']],
  ['admin', ['administrateur']],
  ['passerelle', []],
  ['ancien.superviseur', undefined],
  ['nobody', undefined],
])('%s → %j', async (username, roles) => {
  expect(await directory.rolesOf(username)).toEqual(roles)
})
