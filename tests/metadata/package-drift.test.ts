/**
 * One description of the programme (issue 12 §1): the metadata package. The stand-in's seed is built from it,
 * and the mappings' fixture is exported from that seed. These fail when either drifts from the package.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGE_TYPES, relaisPackage } from '@relais/metadata'
import { createSeededState } from '@relais/dhis2-standin'

const ROOT = join(__dirname, '..', '..')
const seeded = () =>
  createSeededState({ size: 'small', now: new Date('2026-10-05T09:00:00Z'), timeZone: 'Africa/Porto-Novo', months: 0 })
    .state

test('the mappings fixture is the small seed exactly (re-export: npx tsx mappings/scripts/export-seed-metadata.ts)', () => {
  const fixture = JSON.parse(
    readFileSync(join(ROOT, 'mappings', 'test-fixtures', 'small-seed-metadata.json'), 'utf8'),
  ) as unknown
  expect(fixture).toEqual(JSON.parse(JSON.stringify(seeded().metadata)))
})

test('the seed holds every object of the package, with the same fields', () => {
  const state = seeded()
  const seededObjects: Record<string, Array<Record<string, unknown>>> = {
    ...(state.metadata as unknown as Record<string, Array<Record<string, unknown>>>),
    userGroups: state.userGroups as unknown as Array<Record<string, unknown>>,
    userRoles: state.userRoles as unknown as Array<Record<string, unknown>>,
    // Programs, stages, option sets and options: the stand-in keeps them beside the aggregate snapshot.
    ...(state.tracker as unknown as Record<string, Array<Record<string, unknown>>>),
  }
  const pkg = relaisPackage()
  // Validation rule groups are not part of the stand-in's snapshot type; everything else is.
  for (const type of PACKAGE_TYPES.filter((t) => t !== 'validationRuleGroups')) {
    for (const object of pkg[type] as unknown as Array<Record<string, unknown>>) {
      const found = seededObjects[type]?.find((o) => o.id === object.id)
      expect({ type, code: object.code, found: found !== undefined }).toEqual({ type, code: object.code, found: true })
      // Every field the package sets is the seed's (the seed adds times, members and org units, and — as
      // `relais setup` does — the bridge account's own data access, in `sharing.users`).
      const withoutBridge = ({ users: _bridge, ...sharing }: Record<string, unknown>) => sharing
      for (const [field, value] of Object.entries(object)) {
        const seededValue = found![field]
        const comparable = field === 'sharing' ? withoutBridge(seededValue as Record<string, unknown>) : seededValue
        expect({ type, field, value: comparable }).toEqual({ type, field, value })
      }
    }
  }
})
