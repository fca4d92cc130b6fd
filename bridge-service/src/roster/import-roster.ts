/**
 * `relais roster import` against DHIS2 (issue 12 §4): the checked roster (roster.ts) compared with what DHIS2
 * holds (setup/compare.ts), then only the differences imported — validated first, all or nothing. A second
 * import of the same file changes nothing.
 */
import { chmodSync, writeFileSync } from 'node:fs'
import { relaisPackage } from '@relais/metadata'
import type { Dhis2Admin } from '../setup/admin-client'
import { planType, type PlainObject } from '../setup/compare'
import { currentObjects, importMetadata, servicePassword } from '../setup/setup'
import {
  checkHierarchy,
  checkRoster,
  isActive,
  rcOrgUnit,
  rcUid,
  rcUsername,
  type Aire,
  type RosterProblem,
  type RosterRow,
} from './roster'

export interface RosterOptions {
  dryRun: boolean
  /** Create each active RC's DHIS2 user, first passwords written to this file (mode 600). */
  usersFile?: string
  today: string
}

export interface RosterReport {
  dryRun: boolean
  rows: number
  orgUnits: { created: number; updated: number; unchanged: number; closed: number }
  activeGroup: { added: number; removed: number }
  dataSets: { assigned: number }
  /** RC given the tracing program (RC_PDV_RECHERCHE). */
  programs: { assigned: number }
  users: { created: number; existing: number; file?: string }
  changed: number
}

export class RosterRefusedError extends Error {
  constructor(readonly problems: RosterProblem[]) {
    super(`the roster has ${problems.length} error(s)`)
  }
}

const ids = (list: unknown): string[] => (Array.isArray(list) ? list.map((r) => String((r as { id: string }).id)) : [])

async function byCode(dhis2: Dhis2Admin, type: string, codes: string[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  for (let i = 0; i < codes.length; i += 50) {
    const body = await dhis2.get<Record<string, unknown>>(type, {
      filter: `code:in:[${codes.slice(i, i + 50).join(',')}]`,
      fields: ':owner',
      paging: 'false',
    })
    out.push(...((body[type] as Record<string, unknown>[] | undefined) ?? []))
  }
  return out
}

export async function importRoster(
  dhis2: Dhis2Admin,
  rows: RosterRow[],
  options: RosterOptions,
): Promise<RosterReport> {
  const aires =
    (
      await dhis2.get<{ organisationUnits?: Aire[] }>('organisationUnits', {
        filter: 'level:eq:4',
        fields: 'id,code,name,path',
        paging: 'false',
      })
    ).organisationUnits ?? []
  const { rcs, problems } = checkRoster(rows, aires)
  if (problems.length > 0) throw new RosterRefusedError(problems)

  // The RC org units: existing ones keep their id.
  const existing = await byCode(
    dhis2,
    'organisationUnits',
    rcs.map((r) => r.code),
  )
  const idOf = new Map(existing.map((o) => [String(o.code), String(o.id)]))
  const desired = rcs.map((rc) => rcOrgUnit(rc, idOf.get(rc.code)))
  const units = planType(desired, existing)
  const closedBefore = new Set(existing.filter((o) => o.closedDate).map((o) => String(o.code)))
  const closed = rcs.filter((rc) => rc.end && !closedBefore.has(rc.code)).length
  const rcIds = new Map(desired.map((d) => [d.code, d.id]))

  const payload: Record<string, PlainObject[]> = {}
  if (units.create.length + units.update.length > 0) payload.organisationUnits = [...units.create, ...units.update]

  // The active-RC group, in step with the roster's dates (RC not in the file are left as they are).
  const pkg = relaisPackage()
  const groupId = pkg.organisationUnitGroups.find((g) => g.code === 'OUG_RC_ACTIFS')!.id
  const [group] = await currentObjects(dhis2, 'organisationUnitGroups', [groupId])
  const members = new Set(ids(group?.organisationUnits))
  let added = 0
  let removed = 0
  for (const rc of rcs) {
    const id = rcIds.get(rc.code)!
    if (isActive(rc, options.today) && !members.has(id)) {
      members.add(id)
      added++
    } else if (!isActive(rc, options.today) && members.has(id)) {
      members.delete(id)
      removed++
    }
  }
  if (group && added + removed > 0)
    payload.organisationUnitGroups = [
      { ...(group as PlainObject), organisationUnits: [...members].map((id) => ({ id })) },
    ]

  // Both data sets, for every RC of the file (a closed RC keeps its data set: DHIS2 stops entry at closedDate).
  let assigned = 0
  const dataSets = await currentObjects(
    dhis2,
    'dataSets',
    pkg.dataSets.map((d) => d.id),
  )
  for (const dataSet of dataSets) {
    const units = new Set(ids(dataSet.organisationUnits))
    const missing = [...rcIds.values()].filter((id) => !units.has(id))
    if (missing.length === 0) continue
    assigned += missing.length
    payload.dataSets = [
      ...(payload.dataSets ?? []),
      { ...(dataSet as PlainObject), organisationUnits: [...units, ...missing].map((id) => ({ id })) },
    ]
  }

  // The tracing program too (issue 19 §3): DHIS2 refuses an event in an org unit the program is not assigned to
  // (E1029), so an RC without it could never be given a tracing task.
  let programsAssigned = 0
  const programs = await currentObjects(
    dhis2,
    'programs',
    pkg.programs.map((p) => p.id),
  )
  for (const program of programs) {
    const units = new Set(ids(program.organisationUnits))
    const missing = [...rcIds.values()].filter((id) => !units.has(id))
    if (missing.length === 0) continue
    programsAssigned += missing.length
    payload.programs = [
      ...(payload.programs ?? []),
      { ...(program as PlainObject), organisationUnits: [...units, ...missing].map((id) => ({ id })) },
    ]
  }

  // Users of active RC, when asked.
  let usersCreated = 0
  let usersExisting = 0
  const passwords: string[] = []
  if (options.usersFile) {
    const wanted = rcs.filter((rc) => isActive(rc, options.today))
    const found = await dhis2.get<{ users?: Array<{ username: string }> }>('users', {
      filter: `username:in:[${wanted.map((rc) => rcUsername(rc.code)).join(',')}]`,
      fields: 'username',
      paging: 'false',
    })
    const have = new Set((found.users ?? []).map((u) => u.username))
    const role = pkg.userRoles.find((r) => r.code === 'ROLE_SAISIE_RC')!
    const rcGroupId = pkg.userGroups.find((g) => g.code === 'RELAIS_RC')!.id
    const newUsers: PlainObject[] = []
    for (const rc of wanted) {
      const username = rcUsername(rc.code)
      if (have.has(username)) {
        usersExisting++
        continue
      }
      const password = servicePassword()
      const unit = { id: rcIds.get(rc.code)! }
      newUsers.push({
        id: rcUid(`user:${rc.code}`),
        username,
        password,
        firstName: rc.firstName,
        surname: rc.lastName,
        phoneNumber: rc.phone,
        userRoles: [{ id: role.id }],
        organisationUnits: [unit],
        dataViewOrganisationUnits: [unit],
      })
      passwords.push(`${username};${password};${rc.firstName} ${rc.lastName};${rc.phone}`)
    }
    if (newUsers.length > 0) {
      usersCreated = newUsers.length
      payload.users = newUsers
      // Groups own their members in a metadata import.
      const [rcGroup] = await currentObjects(dhis2, 'userGroups', [rcGroupId])
      if (rcGroup)
        payload.userGroups = [
          {
            ...(rcGroup as PlainObject),
            users: [...ids(rcGroup.users), ...newUsers.map((u) => u.id)].map((id) => ({ id })),
          },
        ]
    }
  }

  if (Object.keys(payload).length > 0) {
    await importMetadata(dhis2, payload, 'VALIDATE')
    if (!options.dryRun) await importMetadata(dhis2, payload, 'COMMIT')
  }
  if (!options.dryRun && options.usersFile && passwords.length > 0) {
    // Only the operator may read it: these are first passwords, to hand over and change at first sign-in.
    writeFileSync(options.usersFile, `username;password;name;phone\n${passwords.join('\n')}\n`, { mode: 0o600 })
    chmodSync(options.usersFile, 0o600)
  }
  const changed =
    units.create.length +
    units.update.length +
    (added + removed > 0 ? 1 : 0) +
    assigned +
    programsAssigned +
    usersCreated
  return {
    dryRun: options.dryRun,
    rows: rows.length,
    orgUnits: { created: units.create.length, updated: units.update.length, unchanged: units.unchanged, closed },
    activeGroup: { added, removed },
    dataSets: { assigned },
    programs: { assigned: programsAssigned },
    users: {
      created: usersCreated,
      existing: usersExisting,
      ...(options.usersFile && passwords.length > 0 && !options.dryRun ? { file: options.usersFile } : {}),
    },
    changed,
  }
}

export interface HierarchyReport {
  dryRun: boolean
  rows: number
  created: number
  updated: number
  unchanged: number
  changed: number
}

/** The départements, zones and aires of a hierarchy file into DHIS2 (created or renamed, never deleted). */
export async function importHierarchy(dhis2: Dhis2Admin, rows: RosterRow[], dryRun: boolean): Promise<HierarchyReport> {
  const levels =
    (
      await dhis2.get<{ organisationUnits?: Array<{ id: string; code?: string; level: number }> }>(
        'organisationUnits',
        {
          filter: 'level:le:4',
          fields: 'id,code,level',
          paging: 'false',
        },
      )
    ).organisationUnits ?? []
  const root = levels.find((u) => u.level === 1)
  if (!root) throw new Error('DHIS2 has no org unit at level 1 (the country)')
  const known = new Map(levels.filter((u) => u.code).map((u) => [u.code!.toUpperCase(), u.level]))
  const { units, problems } = checkHierarchy(rows, known)
  if (problems.length > 0) throw new RosterRefusedError(problems)
  const existing = await byCode(
    dhis2,
    'organisationUnits',
    units.map((u) => u.code),
  )
  const idOf = new Map<string, string>(levels.filter((u) => u.code).map((u) => [u.code!.toUpperCase(), u.id]))
  for (const u of units) if (!idOf.has(u.code)) idOf.set(u.code, rcUid(`ou:${u.code}`))
  const desired: PlainObject[] = units.map((u) => ({
    id: idOf.get(u.code)!,
    code: u.code,
    name: u.name,
    shortName: u.name.slice(0, 50),
    openingDate: `${u.opening}T00:00:00.000`,
    parent: { id: u.level === 2 ? root.id : idOf.get(u.parentCode!)! },
  }))
  const plan = planType(desired, existing)
  const changed = [...plan.create, ...plan.update]
  if (changed.length > 0) {
    await importMetadata(dhis2, { organisationUnits: changed }, 'VALIDATE')
    if (!dryRun) await importMetadata(dhis2, { organisationUnits: changed }, 'COMMIT')
  }
  return {
    dryRun,
    rows: rows.length,
    created: plan.create.length,
    updated: plan.update.length,
    unchanged: plan.unchanged,
    changed: changed.length,
  }
}
