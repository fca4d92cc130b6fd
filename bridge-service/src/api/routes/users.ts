/**
 * `POST /api/v1/users/forget`: drops a DHIS2 user's cached roles and org units now (issue 11 §10). The bridge
 * caches what DHIS2 says of a user for a few minutes; when an administrator takes a role away (a supervisor who
 * left, a stolen account), this makes it count at the user's next request instead of at the cache's expiry.
 */
import { z } from 'zod'
import type { LedgerRepositories } from '../../ledger'
import type { UserDirectory } from '../auth'
import { defineRoute, reply, type Route } from '../route'
import { named } from '../schemas'

const ForgetBody = named(
  'ForgetUserRequest',
  z.strictObject({ username: z.string().trim().min(1).max(255).meta({ description: 'The DHIS2 username' }) }),
)

const ForgetResult = named(
  'ForgetUserResult',
  z.object({
    username: z.string(),
    forgotten: z.boolean().meta({ description: 'Whether the bridge held anything about this user' }),
  }),
)

export interface UsersDeps {
  directory: UserDirectory & { forget?(username: string): boolean }
  repos: Pick<LedgerRepositories, 'audit'>
}

export function usersRoutes({ directory, repos }: UsersDeps): Route[] {
  return [
    defineRoute({
      operationId: 'forgetUser',
      method: 'post',
      path: '/api/v1/users/forget',
      tag: 'users',
      summary: "Drop a user's cached roles and org units: a change made in DHIS2 counts at their next request",
      access: { kind: 'action', action: 'users:forget' },
      body: ForgetBody,
      responses: { 200: ForgetResult },
      errors: [400],
      async handle({ body, actor }) {
        const forgotten = directory.forget?.(body.username) ?? false
        await repos.audit.append({
          actor: actor.name,
          role: actor.role,
          action: 'user.forget',
          target: `user:${body.username}`,
          detail: { forgotten },
        })
        return reply(200, { username: body.username, forgotten })
      },
    }),
  ]
}
