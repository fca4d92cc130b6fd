/**
 * What the daily security check reads from DHIS2 (issue 16 §2): its users with their password age, last
 * sign-in and two-factor state, the roles' authorities, the security settings, the sharing of the Relais
 * package's objects, the bridge's own API tokens and the route to the bridge. Read with the bridge's service
 * account (F_USER_VIEW, F_METADATA_EXPORT); nothing of it is kept but the findings.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { parseLocalTimestamp } from '@relais/mappings'
import { relaisPackage } from '@relais/metadata'
import type { Dhis2Client } from '../dhis2'
import type { SecuritySnapshot, SnapshotSharing } from './findings'
import { POLICY_KEY, POLICY_NAMESPACE } from './policy'

const usersSchema = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      username: z.string().optional(),
      name: z.string().optional(),
      disabled: z.boolean().optional(),
      created: z.string().optional(),
      lastLogin: z.string().nullish(),
      passwordLastUpdated: z.string().nullish(),
      // 2.40–2.41; `twoFA` in 2.39; neither in 2.42 (reference/dhis2-setup-ops.md §5.1).
      twoFactorEnabled: z.boolean().optional(),
      twoFA: z.boolean().optional(),
      userRoles: z.array(z.object({ id: z.string() })).default([]),
      userGroups: z.array(z.object({ code: z.string().nullish() })).default([]),
    }),
  ),
})

const rolesSchema = z.object({
  userRoles: z.array(
    z.object({
      id: z.string(),
      code: z.string().optional(),
      name: z.string().optional(),
      authorities: z.array(z.string()).default([]),
    }),
  ),
})

const groupsSchema = z.object({
  userGroups: z.array(z.object({ id: z.string(), code: z.string().optional(), name: z.string().optional() })),
})

const sharingSchema = z
  .object({
    public: z.string().optional(),
    userGroups: z.record(z.string(), z.object({ id: z.string().optional(), access: z.string() })).optional(),
  })
  .optional()

const tokensSchema = z.object({
  apiToken: z.array(z.object({ id: z.string(), key: z.string().optional(), expire: z.number().nullish() })).default([]),
})

const routesSchema = z.object({
  routes: z.array(z.object({ id: z.string(), code: z.string().optional(), url: z.string() })).default([]),
})

/** The package's object types whose sharing the check reads (their DHIS2 schema's `singular` name). */
const SHARED_TYPES = [
  ['dataSets', 'dataSet'],
  ['dataElements', 'dataElement'],
  ['indicators', 'indicator'],
  ['validationRules', 'validationRule'],
  ['categoryOptions', 'categoryOption'],
  ['userGroups', 'userGroup'],
] as const

/** DHIS2 keeps a personal access token's SHA-256 (hex): the bridge knows its own by hashing it. */
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

export async function readSecuritySnapshot(
  dhis2: Dhis2Client,
  options: { bridgeToken?: string; routeCode: string },
): Promise<{ snapshot: SecuritySnapshot; policy: unknown }> {
  const [info, me, users, roles, groups, settings, tokens, routes, policy] = await Promise.all([
    dhis2.getSystemInfo(),
    dhis2.getMe(),
    dhis2.getJson(
      '/users',
      {
        fields:
          'id,username,name,disabled,created,lastLogin,passwordLastUpdated,twoFactorEnabled,twoFA,userRoles[id],userGroups[code]',
        paging: false,
      },
      usersSchema,
    ),
    dhis2.getJson('/userRoles', { fields: 'id,code,name,authorities', paging: false }, rolesSchema),
    dhis2.getJson('/userGroups', { fields: 'id,code,name', paging: false }, groupsSchema),
    dhis2.getJson('/systemSettings', {}, z.record(z.string(), z.unknown())),
    dhis2.getJson('/apiToken', { fields: 'id,key,expire', paging: false }, tokensSchema, { missingOk: true }),
    // Routes exist from 2.40 on: an older DHIS2 answers 404, and there is no route to judge.
    dhis2.getJson(
      '/routes',
      { filter: `code:eq:${options.routeCode}`, fields: 'id,code,url', paging: false },
      routesSchema,
      { missingOk: true },
    ),
    dhis2.getJson(`/dataStore/${POLICY_NAMESPACE}/${POLICY_KEY}`, {}, z.unknown(), { missingOk: true }),
  ])
  const groupById = new Map((groups?.userGroups ?? []).map((g) => [g.id, g]))
  const pkg = relaisPackage()
  const sharing: SnapshotSharing[] = []
  for (const [collection, type] of SHARED_TYPES) {
    const ids = (pkg[collection] as ReadonlyArray<{ id: string }>).map((o) => o.id)
    if (ids.length === 0) continue
    const answer = await dhis2.getJson(
      `/${collection}`,
      { filter: `id:in:[${ids.join(',')}]`, fields: 'id,code,name,sharing', paging: false },
      z.record(z.string(), z.unknown()),
    )
    const list = z
      .array(
        z.object({ id: z.string(), code: z.string().optional(), name: z.string().optional(), sharing: sharingSchema }),
      )
      .catch([])
      .parse(answer?.[collection])
    for (const object of list) {
      // A DHIS2 that does not give sharing in this shape (before 2.36) is not judged on it.
      if (!object.sharing?.public) continue
      sharing.push({
        type,
        id: object.id,
        ...(object.code ? { code: object.code } : {}),
        name: object.name ?? object.code ?? object.id,
        public: object.sharing.public,
        userGroups: Object.entries(object.sharing.userGroups ?? {}).map(([id, access]) => {
          const group = groupById.get(access.id ?? id)
          return {
            ...(group?.code ? { code: group.code } : {}),
            name: group?.name ?? id,
            access: access.access,
          }
        }),
      })
    }
  }
  const ours = options.bridgeToken ? tokenHash(options.bridgeToken) : undefined
  const route = routes?.routes[0]
  const snapshot: SecuritySnapshot = {
    now: (info.serverDate && parseLocalTimestamp(info.serverDate, info.serverTimeZoneId)) || new Date(),
    dhis2Version: info.version,
    users: (users?.users ?? []).map((u) => ({
      id: u.id,
      username: u.username ?? u.id,
      name: u.name ?? u.username ?? u.id,
      disabled: u.disabled === true,
      ...(u.created ? { created: u.created } : {}),
      ...(u.lastLogin ? { lastLogin: u.lastLogin } : {}),
      ...(u.passwordLastUpdated ? { passwordLastUpdated: u.passwordLastUpdated } : {}),
      ...((u.twoFactorEnabled ?? u.twoFA) !== undefined ? { twoFactorEnabled: (u.twoFactorEnabled ?? u.twoFA)! } : {}),
      roleIds: u.userRoles.map((r) => r.id),
      groupCodes: u.userGroups.flatMap((g) => (g.code ? [g.code] : [])),
    })),
    roles: (roles?.userRoles ?? []).map((r) => ({
      id: r.id,
      ...(r.code ? { code: r.code } : {}),
      name: r.name ?? r.code ?? r.id,
      authorities: r.authorities,
    })),
    settings: settings ?? {},
    sharing,
    // `/apiToken` lists the tokens of the user asking: the bridge's account. Ours is the one with our hash.
    tokens: (tokens?.apiToken ?? []).map((t) => ({
      id: t.id,
      expire: t.expire ?? null,
      ours: ours !== undefined && t.key === ours,
    })),
    serviceUserId: me.id,
    ...(route ? { route: { id: route.id, code: route.code ?? options.routeCode, url: route.url } } : {}),
  }
  return { snapshot, policy }
}
