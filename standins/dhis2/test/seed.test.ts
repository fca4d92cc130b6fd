/** The seed: codes as community-program.md writes them, sizes, determinism, and plausible reports. */
import { buildMetadata, RC_COUNT } from '../src/seed/build-metadata'
import { createSeededState } from '../src/seed'

const NOW = new Date('2026-11-10T10:00:00Z')
const TZ = 'Africa/Porto-Novo'

test.each([
  ['small', 60],
  ['demo', 1200],
  ['large', 20000],
] as const)('the %s seed has %i RC at level 5, each with a code RC-<dep>-<nnnnn>', (size, count) => {
  const { snapshot } = buildMetadata(size, 1)
  const rcs = snapshot.organisationUnits.filter((o) => o.level === 5)
  expect(rcs).toHaveLength(count)
  expect(RC_COUNT[size]).toBe(count)
  expect(rcs.every((o) => /^RC-(AL|AK|AQ|BO|CO|KO|DO|LI|MO|OU|PL|ZO)-\d{5}$/.test(o.code ?? ''))).toBe(true)
  expect(new Set(rcs.map((o) => o.code)).size).toBe(count)
  const zones = snapshot.organisationUnits.filter((o) => o.level === 3)
  expect(zones.every((z) => /^ZS-[A-Z]{2}-\d{2}$/.test(z.code ?? ''))).toBe(true)
  expect(
    snapshot.organisationUnits
      .filter((o) => o.level === 4)
      .every((a) => /^AS-[A-Z]{2}-\d{2}-\d{2}$/.test(a.code ?? '')),
  ).toBe(true)
})

test('the same seed number gives the same programme and reports; another gives other reports', () => {
  const a = createSeededState({ size: 'small', seed: 7, now: NOW, timeZone: TZ })
  const b = createSeededState({ size: 'small', seed: 7, now: NOW, timeZone: TZ })
  const other = createSeededState({ size: 'small', seed: 8, now: NOW, timeZone: TZ })
  expect(a.state.metadata).toEqual(b.state.metadata)
  expect([...a.state.dataValues.all()]).toEqual([...b.state.dataValues.all()])
  expect([...a.state.registrations.values()]).toEqual([...b.state.registrations.values()])
  expect([...other.state.dataValues.all()]).not.toEqual([...a.state.dataValues.all()])
})

test('UIDs are valid DHIS2 UIDs and derive from codes (same code, same UID, whatever the size)', () => {
  const small = buildMetadata('small', 1).snapshot
  const demo = buildMetadata('demo', 1).snapshot
  const uid = (s: typeof small, code: string) => s.dataElements.find((d) => d.code === code)?.id
  expect(uid(small, 'RC_VIH_SENS')).toBe(uid(demo, 'RC_VIH_SENS'))
  for (const o of [...small.organisationUnits, ...small.dataElements, ...small.categoryOptionCombos]) {
    expect(o.id).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/)
  }
})

test('twelve months of reports: most on time, some late, some missing, inactive RC silent', () => {
  const { state } = createSeededState({ size: 'demo', seed: 1, now: NOW, timeZone: TZ })
  const regs = [...state.registrations.values()]
  const periods = new Set(regs.map((r) => r.period))
  expect([...periods].sort()).toEqual([
    '202511',
    '202512',
    '202601',
    '202602',
    '202603',
    '202604',
    '202605',
    '202606',
    '202607',
    '202608',
    '202609',
    '202610',
  ])
  // On time = completed by the 5th of the following month (timelyDays 5).
  const onTime = regs.filter((r) => Number(r.date.slice(8, 10)) <= 5).length
  const rate = onTime / regs.length
  expect(rate).toBeGreaterThan(0.6)
  expect(rate).toBeLessThan(0.95)
  const rcs = state.metadata.organisationUnits.filter((o) => o.level === 5)
  const expected = rcs.length * 12
  expect(regs.length / expected).toBeGreaterThan(0.6)
  expect(regs.length / expected).toBeLessThan(0.95)
  const active = new Set(state.metadata.organisationUnitGroups[0]!.organisationUnits.map((o) => o.id))
  const inactive = rcs.filter((o) => !active.has(o.id))
  expect(inactive.length).toBeGreaterThan(0)
  expect(regs.some((r) => inactive.some((o) => o.id === r.organisationUnit))).toBe(false)
  // No registration is dated after the clock.
  expect(regs.every((r) => r.date <= '2026-11-10T11:00:00.000')).toBe(true)
})
