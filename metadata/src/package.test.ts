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

test('the LTFU tracing event program (issue 19 §3): codes other packages look up, and what DHIS2 2.38–2.42 needs', () => {
  const program = pkg.programs.find((p) => p.code === 'RC_PDV_RECHERCHE')!
  const stage = pkg.programStages.find((s) => s.code === 'RC_PDV_RECHERCHE_ETAPE')!
  // No registration: no tracked entity, so no attribute that could hold a person's identity.
  expect(program).toMatchObject({ programType: 'WITHOUT_REGISTRATION', programStages: [{ id: stage.id }] })
  expect(stage.program).toEqual({ id: program.id })
  const byId = new Map(pkg.dataElements.map((d) => [d.id, d]))
  const stageElements = stage.programStageDataElements.map((p) => byId.get(p.dataElement.id)!)
  expect(stageElements.map((d) => [d.code, d.valueType])).toEqual([
    ['RC_PDV_PSEUDONYME', 'TEXT'],
    ['RC_PDV_SITE', 'TEXT'],
    ['RC_PDV_SEXE', 'TEXT'],
    ['RC_PDV_TRANCHE_AGE', 'TEXT'],
    ['RC_PDV_LOCALITE', 'TEXT'],
    ['RC_PDV_RDV_MANQUE', 'DATE'],
    ['RC_PDV_RESULTAT', 'TEXT'],
    ['RC_PDV_DATE_RESULTAT', 'DATE'],
  ])
  for (const d of stageElements) expect([d.domainType, d.aggregationType]).toEqual(['TRACKER', 'NONE'])
  // A tracker data element is in no data set (it would be aggregate data).
  const inDataSets = new Set(pkg.dataSets.flatMap((ds) => ds.dataSetElements.map((e) => e.dataElement.id)))
  expect(stageElements.filter((d) => inDataSets.has(d.id))).toEqual([])
  const optionCodes = (setCode: string) => {
    const set = pkg.optionSets.find((s) => s.code === setCode)!
    return set.options.map((ref) => pkg.options.find((o) => o.id === ref.id)!).map((o) => o.code)
  }
  expect(optionCodes('RC_PDV_SEXES')).toEqual(['M', 'F'])
  expect(optionCodes('RC_PDV_TRANCHES_AGE')).toEqual(['A_MOINS15', 'A_15_24', 'A_25PLUS'])
  expect(optionCodes('RC_PDV_RESULTATS')).toEqual([
    'RETROUVE_REVENU',
    'RETROUVE_REFUS',
    'DEMENAGE',
    'DECEDE',
    'NON_RETROUVE',
  ])
  // Each option names its set, and each data element with an option set has the set's value type.
  for (const o of pkg.options)
    expect(pkg.optionSets.find((s) => s.id === o.optionSet.id)!.options).toContainEqual({ id: o.id })
  for (const d of stageElements.filter((e) => e.optionSet))
    expect(pkg.optionSets.find((s) => s.id === d.optionSet!.id)!.valueType).toBe(d.valueType)
  // Sharing: RC capture (data read and write), supervisors, data managers and administrators read; public metadata
  // read only. The bridge's account gets its own data write from `relais setup` (it is in no group).
  const group = (code: string) => pkg.userGroups.find((g) => g.code === code)!.id
  for (const object of [program, stage]) {
    expect(object.sharing.public).toBe('r-------')
    expect(object.sharing.userGroups?.[group('RELAIS_RC')]?.access).toBe('r-rw----')
    for (const reader of ['RELAIS_SUPERVISEURS', 'RELAIS_GESTIONNAIRES', 'RELAIS_ADMINS'])
      expect(object.sharing.userGroups?.[group(reader)]?.access).toBe('r-r-----')
  }
  // Every object has an English name, as the rest of the package.
  for (const o of [program, stage, ...stageElements, ...pkg.optionSets, ...pkg.options])
    expect(o.translations?.some((t) => t.locale === 'en' && t.property === 'NAME')).toBe(true)
})
