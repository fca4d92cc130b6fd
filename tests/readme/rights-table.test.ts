/**
 * The README's « Who may do what » table (issue 16 §5), walked row by row against what decides each right:
 * the app's screen table (dhis2-app/src/roles/roles.ts), the bridge's permission table and group mapping
 * (bridge-service/src/api/roles.ts), the security check's group ↔ role pairs and the metadata package's user
 * roles. A right added in code and not in the README (or the other way round) fails here.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { relaisPackage } from '@relais/metadata'
import { allowedScreens, ROLE_BY_GROUP_CODE, SCREEN_ACCESS, type RelaisRole } from '../../dhis2-app/src/roles/roles'
import { ACTIONS, PERMISSIONS, ROLES, rolesFromDhis2, type Role } from '../../bridge-service/src/api/roles'
import { GROUP_ROLE_PAIRS } from '../../bridge-service/src/security/policy'

interface Row {
  role: string
  group: string | null
  dhis2Role: string | null
  authorities: string[]
  screens: string[]
  actions: string[]
}

/** The `code` items of a cell; `—` is none. */
const codes = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)

function readmeRows(): Row[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8')
  const table = /<!-- rights-table -->\n([\s\S]*?)\n<!-- \/rights-table -->/.exec(readme)?.[1]
  if (!table) throw new Error('README.md has no <!-- rights-table --> section')
  return table
    .split('\n')
    .slice(2)
    .map((line) => {
      const cells = line.split('|').slice(1, -1)
      expect(cells).toHaveLength(5)
      const [role = '', group = '', dhis2 = '', screens = '', actions = ''] = cells
      const [dhis2Role = null, ...authorities] = codes(dhis2)
      return {
        role: codes(role)[0] ?? role.trim(),
        group: codes(group)[0] ?? null,
        dhis2Role,
        authorities,
        screens: codes(screens),
        actions: codes(actions),
      }
    })
}

const rows = readmeRows()
const packageRoles = new Map(relaisPackage().userRoles.map((r) => [r.code, r.authorities]))

test('one row per role of the bridge, and the bridge account', () => {
  expect(rows.map((r) => r.role)).toEqual([...ROLES, "the bridge's DHIS2 account"])
})

test.each(rows.map((r) => [r.role, r] as const))(
  '%s: the group gives this role, in the app and the bridge',
  (_, row) => {
    if (!ROLES.includes(row.role as Role)) return
    if (row.group === null) {
      // An API-key role: no DHIS2 group leads to it.
      expect(Object.values(ROLE_BY_GROUP_CODE)).not.toContain(row.role)
      return
    }
    expect(ROLE_BY_GROUP_CODE[row.group]).toBe(row.role)
    expect(rolesFromDhis2([row.group], [])).toEqual([row.role])
    expect(GROUP_ROLE_PAIRS).toContainEqual({ group: row.group, role: row.dhis2Role })
  },
)

test.each(rows.map((r) => [r.role, r] as const))(
  "%s: the DHIS2 role holds exactly the package's authorities",
  (_, row) => {
    if (row.dhis2Role === null) return expect(row.authorities).toEqual([])
    expect(packageRoles.has(row.dhis2Role)).toBe(true)
    expect([...row.authorities].sort()).toEqual([...packageRoles.get(row.dhis2Role)!].sort())
  },
)

test.each(rows.map((r) => [r.role, r] as const))('%s: the app opens exactly these screens', (_, row) => {
  const appRole = Object.values(ROLE_BY_GROUP_CODE).find((r) => r === row.role) as RelaisRole | undefined
  expect(row.screens).toEqual(appRole ? allowedScreens([appRole]) : [])
})

test.each(rows.map((r) => [r.role, r] as const))('%s: the bridge allows exactly these actions', (_, row) => {
  const allowed = ROLES.includes(row.role as Role) ? PERMISSIONS[row.role as Role] : new Set()
  expect(row.actions).toEqual(ACTIONS.filter((a) => allowed.has(a)))
})

test('every screen of the app is open to some role of the table', () => {
  const listed = new Set(rows.flatMap((r) => r.screens))
  expect(SCREEN_ACCESS.map((s) => s.screen).filter((s) => !listed.has(s))).toEqual([])
})
