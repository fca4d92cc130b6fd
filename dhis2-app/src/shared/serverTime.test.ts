import { addDays, serverNow } from './serverTime'

describe('server time', () => {
  it("moves the server's clock on by the time elapsed in the browser", () => {
    expect(serverNow('2026-10-03T10:00:00.139', 1_000, 1_000)).toBe('2026-10-03T10:00:00.139')
    expect(serverNow('2026-10-15T23:59:30.000', 0, 60_000)).toBe('2026-10-16T00:00:30.000')
    expect(serverNow('2026-10-03', 0, 0)).toBe('2026-10-03T00:00:00.000')
  })

  it('refuses an unreadable date', () => {
    expect(() => serverNow('soon', 0)).toThrow('Unreadable server date')
  })

  it('adds calendar days across months and years', () => {
    expect(addDays('2026-09-30', 16)).toBe('2026-10-16')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
  })
})
