import { project, sizing } from './projection'

const month = (m: string, records: number, bytesPerRecord = 4_000) => ({
  month: m,
  records,
  bytes: records * bytesPerRecord,
})

test('growth is the mean of the last six full months; the current month is left out', () => {
  const growth = [
    month('2026-04', 9_999), // older than six full months: not counted
    ...['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'].map((m) => month(m, 1_000)),
    month('2026-11', 1_600),
    month('2026-12', 50), // partial
  ]
  const p = project({
    today: '2026-12-06',
    ledgerBytes: 100_000_000,
    growth,
    diskFreeBytes: 10_000_000_000,
    activeRc: 1_200,
  })
  // (5 × 1,000 + 1,600) / 6 = 1,100 records, 4,400,000 bytes a month.
  expect(p.recordsPerMonth).toBe(1_100)
  expect(p.bytesPerMonth).toBe(4_400_000)
  expect(p.in12Months).toBe(100_000_000 + 12 * 4_400_000)
  expect(p.in24Months).toBe(100_000_000 + 24 * 4_400_000)
  expect(p.monthsLeft).toBeCloseTo(2272.7, 0)
  expect(p.diskFullOn).toBeUndefined() // beyond a century
  expect(p.warning).toBeUndefined()
  expect(p.bytesPerRcMonth).toBe(Math.round(4_400_000 / 1_200))
})

test('a disk that fills within six months is a warning, with the day', () => {
  const growth = ['2026-09', '2026-10', '2026-11'].map((m) => month(m, 250_000, 4_000)) // 1 GB a month
  const p = project({ today: '2026-12-06', ledgerBytes: 5e9, growth, diskFreeBytes: 3e9 })
  expect(p.monthsLeft).toBe(3)
  expect(p.diskFullOn).toBe('2027-03-07')
  expect(p.warning?.fr).toMatch(/^le disque sera plein vers le 2027-03-07 \(3 mois\)/)
  expect(p.warning?.en).toMatch(/^the disk fills around 2027-03-07/)
  // Six months and more, but not twelve: the 12-month warning.
  expect(project({ today: '2026-12-06', ledgerBytes: 0, growth, diskFreeBytes: 8e9 }).warning?.en).toMatch(
    /^the next 12 months' growth exceeds the free space/,
  )
})

test('a ledger younger than a month is projected from its pace per day', () => {
  const p = project({ today: '2026-12-10', ledgerBytes: 1_000_000, growth: [month('2026-12', 100, 1_000)] })
  expect(p.recordsPerMonth).toBe(Math.round((100 / 10) * 30.44))
  expect(p.diskFullOn).toBeUndefined()
})

test('sizing: bytes per RC and month × RC × months', () => {
  expect(sizing(3_667, 20_000, 12)).toBe(880_080_000)
})
