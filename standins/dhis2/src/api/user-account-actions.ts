/**
 * What an administrator does to another person's account from an access review (issue 16 §3), as DHIS2 2.41
 * answers it (core@2.41.9.1 `WEBAPI/controller/user/UserController`, `AbstractCrudController`,
 * `DXF2/metadata/collection/DefaultCollectionService`):
 * - `POST /api/users/{uid}/disabled` and `/enabled` → 204 (`setDisabled`; disabling ends the person's sessions);
 * - `POST /api/users/{uid}/expired?date=` and `/unexpired` → 204 (`setExpires`: the ACCOUNT's expiry date; DHIS2
 *   has no call that expires only the password — `passwordLastUpdated` is not writable through the API);
 * - `DELETE /api/users/{uid}/userRoles/{roleUid}` → 200 TypeReport (`deleteCollectionItem` → `delCollectionItems`
 *   on the owning side: `userRoles` belongs to the user).
 *
 * Who may (`checkCurrentUserCanModify`): `aclService.canUpdate` on a user needs F_USER_ADD or
 * F_USER_ADD_WITHIN_MANAGED_GROUP (else 403 « You don't have the proper permissions to update this object. »);
 * then `userService.canAddOrUpdateUser` (F_USER_ADD, or F_USER_ADD_WITHIN_MANAGED_GROUP and managing one of the
 * person's groups) and `canModifyUser` (ALL, or every authority of the person) — else 409 « You must have
 * permissions to create user, or ability to manage at least one user group for the user. ». The collection delete
 * checks `canUpdate` only. Group management (`canManage`) is not played: F_USER_ADD_WITHIN_MANAGED_GROUP alone
 * gets the 409. An unknown user is answered 404 (DHIS2 2.41's `setDisabled` reads a null user and fails deeper).
 */
import type { Request, Response, Router } from 'express'
import type { User } from '@relais/mappings'
import { badRequest, conflict, forbidden, HttpError, notFound, webMessage } from '../http/web-message'
import type { AuthUser, StandinContext } from '../context'

const UPDATE_DENIED = "You don't have the proper permissions to update this object."
const CANNOT_MODIFY =
  'You must have permissions to create user, or ability to manage at least one user group for the user.'

function canUpdateUsers(ctx: StandinContext, me: AuthUser): boolean {
  return me.isSuperuser || ctx.hasAuthority(me, 'F_USER_ADD', 'F_USER_ADD_WITHIN_MANAGED_GROUP')
}

function authoritiesOf(ctx: StandinContext, user: User): string[] {
  const roles = new Map(ctx.state.userRoles.map((r) => [r.id, r]))
  return user.userRoles.flatMap((ref) => roles.get(ref.id)?.authorities ?? [])
}

function userOrNotFound(ctx: StandinContext, uid: string): User {
  const user = ctx.index.usersById.get(uid)
  if (!user) throw notFound(`User with id ${uid} could not be found.`)
  return user
}

/** `checkCurrentUserCanModify`. */
function checkCanModify(ctx: StandinContext, me: AuthUser, target: User): void {
  if (!canUpdateUsers(ctx, me)) throw forbidden(UPDATE_DENIED)
  const canAdd = me.isSuperuser || me.authorities.has('F_USER_ADD')
  const canModify = me.authorities.has('ALL') || authoritiesOf(ctx, target).every((a) => me.authorities.has(a))
  if (!canAdd || !canModify) throw conflict(CANNOT_MODIFY)
}

/** Spring's binding of `@RequestParam("date") Date`: a date DHIS2's converters read (ISO date or date-time). */
function parseDate(value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw badRequest("Required request parameter 'date' for method parameter type Date is not present")
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(at)) throw badRequest(`Value '${value}' is not valid for parameter date. It should be of type Date`)
  return new Date(at).toISOString().replace('Z', '')
}

export function registerUserAccountActions(router: Router, ctx: StandinContext): void {
  const setDisabled = (disable: boolean) => (req: Request, res: Response) => {
    const me = ctx.userOf(req)
    const target = userOrNotFound(ctx, String(req.params.uid))
    checkCanModify(ctx, me, target)
    target.disabled = disable
    ctx.reindex()
    res.status(204).end()
  }
  router.post('/users/:uid/disabled', setDisabled(true))
  router.post('/users/:uid/enabled', setDisabled(false))

  router.post('/users/:uid/expired', (req, res) => {
    const me = ctx.userOf(req)
    const target = userOrNotFound(ctx, String(req.params.uid))
    const date = parseDate(req.query.date)
    checkCanModify(ctx, me, target)
    target.accountExpiry = date
    ctx.reindex()
    res.status(204).end()
  })
  router.post('/users/:uid/unexpired', (req, res) => {
    const me = ctx.userOf(req)
    const target = userOrNotFound(ctx, String(req.params.uid))
    checkCanModify(ctx, me, target)
    delete target.accountExpiry
    ctx.reindex()
    res.status(204).end()
  })

  router.delete('/users/:uid/userRoles/:roleUid', (req, res) => {
    const me = ctx.userOf(req)
    const target = userOrNotFound(ctx, String(req.params.uid))
    if (!canUpdateUsers(ctx, me)) throw forbidden(UPDATE_DENIED)
    const roleUid = String(req.params.roleUid)
    if (!ctx.state.userRoles.some((r) => r.id === roleUid)) {
      // E1109 « Reference to [uid] (UserRole) could not be found », thrown as a 409 by validateAndThrowErrors
      throw new HttpError(409, `Reference to ${roleUid} (UserRole) could not be found.`, 'E1109')
    }
    const before = target.userRoles.length
    target.userRoles = target.userRoles.filter((r) => r.id !== roleUid)
    const deleted = before - target.userRoles.length
    ctx.reindex()
    res.status(200).json(
      webMessage(200, undefined, {
        response: {
          responseType: 'TypeReport',
          klass: 'org.hisp.dhis.user.UserRole',
          stats: { created: 0, updated: 0, deleted, ignored: 1 - deleted, total: 1 },
          objectReports: [],
        },
      }),
    )
  })
}
