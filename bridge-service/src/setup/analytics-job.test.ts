import { atLeastWeekly } from './setup'

describe('atLeastWeekly (Spring six-field crons, seconds first)', () => {
  const now = new Date('2026-12-06T10:00:00Z')
  it('keeps a nightly, a weekly or an every-15-minutes job', () => {
    expect(atLeastWeekly('0 0 2 * * ?', now)).toBe(true)
    expect(atLeastWeekly('0 0 3 ? * SUN', now)).toBe(true)
    expect(atLeastWeekly('0 */15 * * * *', now)).toBe(true)
  })
  it('refuses a monthly job, a yearly one and an unreadable cron', () => {
    expect(atLeastWeekly('0 0 2 1 * ?', now)).toBe(false)
    expect(atLeastWeekly('0 0 2 1 1 ?', now)).toBe(false)
    expect(atLeastWeekly('not a cron', now)).toBe(false)
  })
})
