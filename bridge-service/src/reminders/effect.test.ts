import { reminderEffect, type EffectSend } from './effect'

const send = (
  orgUnit: string,
  zone: string,
  day: string,
  kind: EffectSend['kind'],
  status: EffectSend['status'] = 'sent',
) => ({ orgUnit, zone, period: '202611', day, kind, status }) satisfies EffectSend

describe('reminderEffect', () => {
  it('compares the reminded with the held-out RC of the same day, per zone and overall', () => {
    const sends: EffectSend[] = [
      send('a', 'Z1', '2026-12-03', 'reminder'),
      send('a', 'Z1', '2026-12-03', 'reminder'), // a second channel: still one RC that day
      send('b', 'Z1', '2026-12-03', 'reminder'),
      send('c', 'Z1', '2026-12-03', 'reminder'),
      send('d', 'Z1', '2026-12-03', 'holdout', 'held-out'),
      send('e', 'Z2', '2026-12-03', 'reminder'),
      send('f', 'Z2', '2026-12-03', 'holdout', 'held-out'),
      send('g', 'Z2', '2026-12-03', 'reminder', 'failed'), // never reached: in neither group
    ]
    const completions = [
      { orgUnit: 'a', period: '202611', day: '2026-12-03' },
      { orgUnit: 'b', period: '202611', day: '2026-12-06' }, // the third day after: counts
      { orgUnit: 'c', period: '202611', day: '2026-12-07' }, // too late
      { orgUnit: 'f', period: '202611', day: '2026-12-04' },
      { orgUnit: 'g', period: '202611', day: '2026-12-04' },
    ]
    const rows = reminderEffect(sends, completions)
    expect(rows.map((r) => r.zone)).toEqual([null, 'Z1', 'Z2'])
    const [all, z1, z2] = rows
    expect(z1!.reminded).toEqual({ count: 3, completed: 2, share: 2 / 3 })
    expect(z1!.heldOut).toEqual({ count: 1, completed: 0, share: 0 })
    expect(z1!.difference).toBe(66.7)
    expect(z2!.reminded).toEqual({ count: 1, completed: 0, share: 0 })
    expect(z2!.heldOut).toEqual({ count: 1, completed: 1, share: 1 })
    expect(z2!.difference).toBe(-100)
    expect(all!.reminded).toEqual({ count: 4, completed: 2, share: 0.5 })
    expect(all!.heldOut).toEqual({ count: 2, completed: 1, share: 0.5 })
    expect(all!.difference).toBe(0)
  })

  it('has no difference without a comparison group, and ignores a completion before the reminder', () => {
    const rows = reminderEffect(
      [send('a', 'Z1', '2026-12-03', 'reminder')],
      [{ orgUnit: 'a', period: '202611', day: '2026-12-01' }],
    )
    expect(rows[0]).toMatchObject({
      zone: null,
      reminded: { count: 1, completed: 0 },
      heldOut: { count: 0, share: null },
      difference: null,
    })
  })
})
