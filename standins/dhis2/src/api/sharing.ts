/**
 * `/api/sharing?type=dataStore&id=<entry id>` as DHIS2 2.41 answers it (core@2.41 `SharingController`), for
 * the one type the stand-in shares: dataStore entries (their id is in `…/metaData`). GET gives
 * `{meta, object}` with `publicAccess`, `user`, `userAccesses` and `userGroupAccesses`; POST `{object: {…}}`
 * replaces them when the caller may manage the entry (its owner, a superuser, or write access), else 403
 * "You do not have manage access to this object.". Access strings are 8 characters of `r`, `w` and `-`.
 */
import express, { type Request, type Router } from 'express'
import { HttpError, sendWebMessage } from '../http/web-message'
import type { AuthUser, StandinContext } from '../context'
import type { DataStoreEntry, EntrySharing } from '../store/state'
import { DEFAULT_ENTRY_SHARING, entryAccess } from './datastore'

const ACCESS = /^[r-][w-][r-][w-]----$/

type Entry = DataStoreEntry & { id?: string }

function findEntry(ctx: StandinContext, req: Request): { entry: Entry; key: string } {
  const type = String(req.query.type ?? '')
  const id = String(req.query.id ?? '')
  if (!type) throw new HttpError(409, 'Type parameter is missing')
  if (type !== 'dataStore') throw new HttpError(409, `Type ${type} is not supported.`)
  if (!id) throw new HttpError(409, 'Id parameter is missing')
  for (const keys of ctx.state.dataStore.values())
    for (const [key, entry] of keys as Map<string, Entry>) if (entry.id === id) return { entry, key }
  throw new HttpError(404, `Object not found for type ${type} and id ${id}.`)
}

const mayManage = (user: AuthUser, entry: Entry) => entryAccess(user, entry, 1)

export function registerSharing(router: Router, ctx: StandinContext): void {
  router.get('/sharing', (req, res) => {
    const user = ctx.userOf(req)
    const { entry, key } = findEntry(ctx, req)
    if (!entryAccess(user, entry, 0)) throw new HttpError(403, 'You do not have manage access to this object.')
    const sharing = entry.sharing ?? DEFAULT_ENTRY_SHARING
    const owner = ctx.index.usersById.get(entry.createdBy)
    const groupName = (id: string) => ctx.state.userGroups.find((g) => g.id === id)?.name ?? id
    const userName = (id: string) => {
      const u = ctx.index.usersById.get(id)
      return u ? `${u.firstName} ${u.surname}`.trim() : id
    }
    res.json({
      meta: { allowPublicAccess: true, allowExternalAccess: false },
      object: {
        id: entry.id,
        name: key,
        displayName: key,
        publicAccess: sharing.public,
        externalAccess: false,
        user: { id: entry.createdBy, name: owner ? userName(owner.id) : '' },
        userGroupAccesses: Object.entries(sharing.userGroups).map(([id, access]) => ({
          id,
          name: groupName(id),
          displayName: groupName(id),
          access,
        })),
        userAccesses: Object.entries(sharing.users).map(([id, access]) => ({
          id,
          name: userName(id),
          displayName: userName(id),
          access,
        })),
      },
    })
  })

  router.post('/sharing', express.json({ type: () => true, limit: '1mb' }), (req, res) => {
    const user = ctx.userOf(req)
    const { entry } = findEntry(ctx, req)
    if (!mayManage(user, entry)) throw new HttpError(403, 'You do not have manage access to this object.')
    const object = (req.body as { object?: unknown } | undefined)?.object as
      | {
          publicAccess?: unknown
          userGroupAccesses?: { id?: unknown; access?: unknown }[]
          userAccesses?: { id?: unknown; access?: unknown }[]
        }
      | undefined
    if (!object || typeof object !== 'object') throw new HttpError(400, 'Sharing object is missing')
    const publicAccess = object.publicAccess ?? '--------'
    if (typeof publicAccess !== 'string' || !ACCESS.test(publicAccess))
      throw new HttpError(409, `Invalid public access string: ${String(publicAccess)}`)
    const accesses = (list: { id?: unknown; access?: unknown }[] | undefined, known: (id: string) => boolean) => {
      const out: Record<string, string> = {}
      for (const item of Array.isArray(list) ? list : []) {
        const id = typeof item?.id === 'string' ? item.id : ''
        const access = typeof item?.access === 'string' ? item.access : ''
        if (!ACCESS.test(access)) throw new HttpError(409, `Invalid access string: ${access}`)
        // DHIS2 skips references it cannot find rather than failing the whole request.
        if (known(id)) out[id] = access
      }
      return out
    }
    const sharing: EntrySharing = {
      public: publicAccess,
      userGroups: accesses(object.userGroupAccesses, (id) => ctx.state.userGroups.some((g) => g.id === id)),
      users: accesses(object.userAccesses, (id) => ctx.index.usersById.has(id)),
    }
    entry.sharing = sharing
    sendWebMessage(res, 200, 'Access control set')
  })
}
