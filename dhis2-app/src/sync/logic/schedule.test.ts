import { switchLanguage } from '../../shared/testing/switchLanguage'
import { scheduleInWords } from './schedule'

describe('scheduleInWords', () => {
  it.each([
    ['*/30 * * * *', 'every 30 minutes'],
    ['0 */6 * * *', 'every 6 hours'],
    ['15 * * * *', 'every hour at minute 15'],
    ['0 6 * * *', 'every day at 6 h'],
    ['30 18 * * 1', 'every Monday at 18 h 30'],
    ['5 7 1 * *', 'on day 1 of each month at 7 h 05'],
    ['0 6 * 1 *', '0 6 * 1 *'],
    ['not a cron', 'not a cron'],
  ])('%s → %s', (cron, words) => {
    expect(scheduleInWords(cron)).toBe(words)
  })

  describe('in French', () => {
    beforeAll(() => switchLanguage('fr'))
    afterAll(() => switchLanguage('en'))
    it.each([
      ['0 6 * * *', 'chaque jour à 6 h'],
      ['*/30 * * * *', 'toutes les 30 minutes'],
      ['30 18 * * 1', 'chaque lundi à 18 h 30'],
    ])('%s → %s', (cron, words) => {
      expect(scheduleInWords(cron)).toBe(words)
    })
  })
})
