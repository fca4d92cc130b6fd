import { rcCode, rcSubmission, rcSubmissions, seededRandom } from '../src'

describe('RC submission generator', () => {
  it('makes RC codes as the programme writes them', () => {
    expect(rcCode(1)).toBe('RC-AQ-00001')
    expect(rcCode(42, 'OU')).toBe('RC-OU-00042')
  })

  it('is deterministic and gives every answer as a string with its group prefix', () => {
    const a = rcSubmissions(50, 3)
    expect(rcSubmissions(50, 3)).toEqual(a)
    expect(a[0]?.['identification/rc_code']).toBe('RC-AQ-00001')
    for (const s of a) {
      for (const [key, value] of Object.entries(s)) {
        expect(key).toMatch(/^(identification|vih|tb|palu|general)\//)
        expect(typeof value).toBe('string')
      }
      expect(Number(s['palu/tdr_pos'])).toBeLessThanOrEqual(Number(s['palu/tdr']))
      expect(Number(s['vih/pdv_retrouves'])).toBeLessThanOrEqual(Number(s['vih/pdv_recherches']))
    }
  })

  it('leaves optional questions unanswered by omitting their keys', () => {
    const random = seededRandom(9)
    const all = Array.from({ length: 200 }, () => rcSubmission(random, { unanswered: 0.5 }))
    expect(all.some((s) => !('general/difficultes' in s))).toBe(true)
    expect(all.every((s) => 'identification/rc_code' in s)).toBe(true)
  })
})
