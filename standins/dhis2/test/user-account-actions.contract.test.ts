/**
 * An administrator's access-review actions as DHIS2 2.41 answers them (core@2.41 `UserController.setDisabled`,
 * `setExpires`, `checkCurrentUserCanModify`; `AbstractCrudController.deleteCollectionItem`), over real HTTP:
 * disable / enable (204; a disabled person cannot sign in), the account's expiry, removing a role, and who may.
 */
import { startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin()
})
afterAll(async () => {
  await c.close()
})

const userOf = (username: string) => c.standin.ctx.state.users.find((u) => u.username === username)!
const meAs = (as: string) => c.call('GET', '/api/me?fields=id', { as })

test('a superuser disables then enables an account: 204, the person cannot sign in while disabled', async () => {
  const id = userOf('superviseur').id
  expect((await meAs('superviseur')).status).toBe(200)
  const off = await c.call('POST', `/api/users/${id}/disabled`)
  expect(off.status).toBe(204)
  expect((await c.call('GET', `/api/users/${id}?fields=disabled`)).body).toEqual({ disabled: true })
  expect((await meAs('superviseur')).status).toBe(401)
  const on = await c.call('POST', `/api/users/${id}/enabled`)
  expect(on.status).toBe(204)
  expect((await c.call('GET', `/api/users/${id}?fields=disabled`)).body).toEqual({ disabled: false })
  expect((await meAs('superviseur')).status).toBe(200)
})

test('without F_USER_ADD: 403; with it but not every authority of the person: 409, nothing changed', async () => {
  const id = userOf('superviseur').id
  const noRight = await c.call('POST', `/api/users/${id}/disabled`, { as: 'gestionnaire' })
  expect(noRight.status).toBe(403)
  expect(noRight.body.message).toBe("You don't have the proper permissions to update this object.")
  const notAll = await c.call('POST', `/api/users/${id}/disabled`, { as: 'administrateur' })
  expect(notAll.status).toBe(409)
  expect(notAll.body.message).toBe(
    'You must have permissions to create user, or ability to manage at least one user group for the user.',
  )
  expect(userOf('superviseur').disabled).toBe(false)
})

test('the account (not the password) expires on a date; unexpired clears it; a missing date is a 400', async () => {
  const id = userOf('superviseur.aire').id
  expect((await c.call('POST', `/api/users/${id}/expired`)).status).toBe(400)
  expect((await c.call('POST', `/api/users/${id}/expired?date=2020-01-01`)).status).toBe(204)
  expect(userOf('superviseur.aire').accountExpiry).toBe('2020-01-01T00:00:00.000')
  expect((await meAs('superviseur.aire')).status).toBe(401)
  expect((await c.call('POST', `/api/users/${id}/unexpired`)).status).toBe(204)
  expect(userOf('superviseur.aire').accountExpiry).toBeUndefined()
  expect((await meAs('superviseur.aire')).status).toBe(200)
})

test('a role is removed from a person with DELETE /api/users/{uid}/userRoles/{role}: a TypeReport', async () => {
  const user = userOf('controleur')
  const role = user.userRoles[0]!.id
  const gone = await c.call('DELETE', `/api/users/${user.id}/userRoles/${role}`)
  expect(gone.status).toBe(200)
  expect(gone.body.response).toMatchObject({ responseType: 'TypeReport', stats: { deleted: 1 } })
  expect(userOf('controleur').userRoles.map((r) => r.id)).not.toContain(role)
  const again = await c.call('DELETE', `/api/users/${user.id}/userRoles/${role}`)
  expect(again.body.response.stats).toMatchObject({ deleted: 0, ignored: 1 })
  expect((await c.call('DELETE', `/api/users/${user.id}/userRoles/${role}`, { as: 'gestionnaire' })).status).toBe(403)
  expect((await c.call('DELETE', `/api/users/NoSuchUser1/userRoles/${role}`)).status).toBe(404)
})

test('GET /api/users?query= finds people by name, username or e-mail, with the list filters and pager', async () => {
  const found = await c.call('GET', '/api/users?query=dossa&fields=username&pageSize=5')
  expect(found.status).toBe(200)
  expect(found.body.users).toEqual([{ username: 'superviseur.aire' }])
  expect(found.body.pager).toMatchObject({ page: 1, total: 1 })
  const role = userOf('superviseur').userRoles[0]!.id
  const both = await c.call('GET', `/api/users?query=superviseur&filter=userRoles.id:eq:${role}&fields=username`)
  expect(both.body.users.map((u: { username: string }) => u.username).sort()).toEqual([
    'ancien.superviseur',
    'superviseur',
    'superviseur.aire',
  ])
  expect((await c.call('GET', '/api/users?query=personne&fields=id')).body.users).toEqual([])
  expect((await c.call('GET', '/api/users?query=dossa&fields=id', { as: 'relais' })).status).toBe(403)
})
