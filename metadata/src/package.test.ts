/** The package holds together on its own: what DHIS2's import would refuse is refused here first. */
import { dataStoreDefaults, PACKAGE_TYPES, relaisPackage } from '.'

const pkg = relaisPackage()
const all = PACKAGE_TYPES.flatMap((type) =>
  (pkg[type] as Array<{ id: string; code?: string }>).map((o) => ({ type, ...o })),
)

test('a version, and every object with a valid, unique UID and a unique code per type', () => {
  expect(pkg.package.version).toMatch(/^\d+\.\d+\.\d+$/)
  for (const o of all) expect(o.id).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/)
  expect(new Set(all.map((o) => o.id)).size).toBe(all.length)
  for (const type of PACKAGE_TYPES) {
    const codes = (pkg[type] as Array<{ code?: string }>).map((o) => o.code)
    expect(codes.every((c) => typeof c === 'string' && c.length > 0)).toBe(true)
    expect(new Set(codes).size).toBe(codes.length)
  }
})

test("every reference points into the package (DHIS2's default combo is never in it)", () => {
  const ids = new Set(all.map((o) => o.id))
  const refs: string[] = []
  const walk = (value: unknown, key = ''): void => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, key))
    else if (value && typeof value === 'object') {
      const obj = value as Record<string, unknown>
      if (key && typeof obj.id === 'string' && Object.keys(obj).length === 1) refs.push(obj.id)
      for (const [k, v] of Object.entries(obj)) walk(v, k)
    }
  }
  for (const type of PACKAGE_TYPES) walk(pkg[type])
  expect(refs.length).toBeGreaterThan(50)
  expect(refs.filter((id) => !ids.has(id))).toEqual([])
  expect(all.filter((o) => o.code === 'default')).toEqual([])
})

test('each combo lists the option combos of its cartesian product, and every data set element is in a section', () => {
  for (const combo of pkg.categoryCombos) {
    const sizes = combo.categories.map((c) => pkg.categories.find((x) => x.id === c.id)!.categoryOptions.length)
    const cocs = pkg.categoryOptionCombos.filter((coc) => coc.categoryCombo.id === combo.id)
    expect(cocs).toHaveLength(sizes.reduce((a, b) => a * b, 1))
  }
  const monthly = pkg.dataSets.find((d) => d.code === 'RC_MENSUEL')!
  const inSections = new Set(pkg.sections.flatMap((s) => s.dataElements.map((e) => e.id)))
  expect(monthly.dataSetElements.filter((e) => !inSections.has(e.dataElement.id))).toEqual([])
})

test('the roles hold only what they need: nobody but a superuser gets ALL, RC cannot touch users or metadata', () => {
  for (const role of pkg.userRoles) expect(role.authorities).not.toContain('ALL')
  const rc = pkg.userRoles.find((r) => r.code === 'ROLE_SAISIE_RC')!
  expect(rc.authorities.filter((a) => /USER|METADATA|ROUTE|SYSTEM/.test(a))).toEqual([])
  expect(pkg.userGroups.map((g) => g.code).sort()).toEqual([
    'RELAIS_ADMINS',
    'RELAIS_GESTIONNAIRES',
    'RELAIS_RC',
    'RELAIS_SUPERVISEURS',
  ])
  expect(dataStoreDefaults().relais?.['dashboard-settings']).toEqual({ thresholds: { good: 80, fair: 50 } })
})
