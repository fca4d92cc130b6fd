/**
 * `GET /api/users?query=` — the people search of DHIS2 2.41's user list (core@2.41.9.1 `UserController
 * .makeQuery` → `UserQueryParams.query` → `HibernateUserStore.getUsers`): a person matches when
 * `concat(lower(firstName),' ',lower(surname))`, `lower(email)` or `lower(username)` contains the lowered text;
 * the list's `filter`, `order`, `fields` and paging then apply as on any list (metadata.ts). Without `query` the
 * plain list answers.
 */
import type { Request, Router } from 'express'
import type { StandinContext } from '../context'
import { forbidden } from '../http/web-message'
import { listCollection } from './metadata'

export function registerUsersQuery(router: Router, ctx: StandinContext): void {
  router.get('/users', (req, res, next) => {
    const text = typeof req.query.query === 'string' ? req.query.query.trim() : ''
    if (text === '') return next()
    const me = ctx.userOf(req)
    if (!me.isSuperuser && !me.authorities.has('F_USER_VIEW') && !me.authorities.has('F_USER_ADD')) throw forbidden()
    const key = text.toLowerCase()
    const ids = ctx.state.users
      .filter(
        (u) =>
          `${u.firstName.toLowerCase()} ${u.surname.toLowerCase()}`.includes(key) ||
          (u.email ?? '').toLowerCase().includes(key) ||
          u.username.toLowerCase().includes(key),
      )
      .map((u) => u.id)
    const filters = [req.query.filter ?? []].flat().map(String)
    // No match: an id no user has, so the list is empty with its pager.
    filters.push(`id:in:[${ids.length > 0 ? ids.join(',') : 'none'}]`)
    const narrowed = Object.create(req, { query: { value: { ...req.query, filter: filters } } }) as Request
    res.json(listCollection(ctx, narrowed, 'users', me))
  })
}
