import { heldOut, inQuietHours, planReminders, type PlanInput, type RcContact } from './plan'
import { parseRules, renderTemplate, ReminderRuleSchema, type ReminderRule } from './rules'

const rule = (over: Partial<ReminderRule> = {}): ReminderRule =>
  ReminderRuleSchema.parse({
    id: 'r1',
    name: 'Rapport manquant',
    audience: 'missing',
    days: [1, 3, 5],
    channels: ['message', 'sms'],
    template: 'Bonjour {nom}, votre rapport de {mois} manque. Date limite : {date_limite}.',
    holdoutPercent: 0,
    ...over,
  })

const supervisor = { id: 'sup1', name: 'Awa Sossa', phone: '+22990000001' }
const rc = (n: number, over: Partial<RcContact> = {}): RcContact => ({
  orgUnit: `ou${n}`,
  name: `RC ${n}`,
  zone: n % 2 === 0 ? 'zoneA' : 'zoneB',
  users: [{ id: `u${n}`, name: `Relais ${n}`, phone: `+2299100000${n}` }],
  supervisors: [supervisor],
  ...over,
})

const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  rules: [rule()],
  today: '2026-12-03',
  time: '10:07',
  period: { id: '202611', name: 'novembre 2026' },
  deadline: { text: '5 décembre 2026', daysLeft: 2 },
  rcs: [rc(1), rc(2), rc(3)],
  complete: new Set(),
  refused: new Set(),
  past: [],
  ...over,
})

describe('planReminders', () => {
  it('reminds each RC without a complete report, on each channel, in French with their name', () => {
    const plan = planReminders(input({ complete: new Set(['ou2']) }))
    expect(plan.map((p) => `${p.orgUnit}/${p.channel}`)).toEqual(['ou1/message', 'ou1/sms', 'ou3/message', 'ou3/sms'])
    expect(plan[0]!.text).toBe(
      'Bonjour Relais 1, votre rapport de novembre 2026 manque. Date limite : 5 décembre 2026.',
    )
    expect(plan[0]!.kind).toBe('reminder')
    expect(plan[0]!.zone).toBe('zoneB')
  })

  it('sends nothing on a day the rule does not name, in quiet hours, or for a disabled rule', () => {
    expect(planReminders(input({ today: '2026-12-02' }))).toEqual([])
    expect(planReminders(input({ time: '21:30' }))).toEqual([])
    expect(planReminders(input({ time: '06:59' }))).toEqual([])
    expect(planReminders(input({ rules: [rule({ enabled: false })] }))).toEqual([])
  })

  it('sends at most one reminder per RC per day, whatever the rules', () => {
    const two = [rule(), rule({ id: 'r2', channels: ['sms'] })]
    const plan = planReminders(input({ rules: two, rcs: [rc(1)] }))
    expect(plan.map((p) => p.ruleId)).toEqual(['r1', 'r1'])
    const after = planReminders(
      input({
        rcs: [rc(1)],
        past: [{ orgUnit: 'ou1', recipient: 'u1', kind: 'manual', channel: 'sms', day: '2026-12-03', status: 'sent' }],
      }),
    )
    expect(after).toEqual([])
  })

  it('tells the supervisor once after N reminders, and keeps reminding the RC', () => {
    const past = ['2026-12-01', '2026-12-02'].map((day) => ({
      orgUnit: 'ou1',
      recipient: 'u1',
      kind: 'reminder' as const,
      channel: 'message' as const,
      day,
      status: 'sent' as const,
    }))
    const plan = planReminders(
      input({ rules: [rule({ escalateAfter: 2, channels: ['message'] })], rcs: [rc(1)], past }),
    )
    expect(plan.map((p) => `${p.kind}:${p.recipient.id}`)).toEqual(['escalation:sup1', 'reminder:u1'])
    expect(plan[0]!.text).toContain("RC 1 n'a toujours pas complété son rapport de novembre 2026 après 2 rappels")
    const later = planReminders(
      input({
        today: '2026-12-05',
        rules: [rule({ escalateAfter: 2, channels: ['message'] })],
        rcs: [rc(1)],
        past: [
          ...past,
          {
            orgUnit: 'ou1',
            recipient: 'sup1',
            kind: 'escalation',
            channel: 'message',
            day: '2026-12-03',
            status: 'sent',
          },
        ],
      }),
    )
    expect(later.map((p) => p.kind)).toEqual(['reminder'])
  })

  it('holds out about the given share of RC, a different set each day, and records them', () => {
    const rcs = Array.from({ length: 1000 }, (_, i) => rc(i + 1))
    const plan = planReminders(input({ rules: [rule({ holdoutPercent: 10, channels: ['message'] })], rcs }))
    const held = plan.filter((p) => p.kind === 'holdout')
    expect(held.length).toBeGreaterThan(60)
    expect(held.length).toBeLessThan(140)
    expect(held.every((p) => p.channel === 'none' && p.text === '')).toBe(true)
    const tomorrow = rcs.filter((r) => heldOut('r1', r.orgUnit, '2026-12-05', 10)).map((r) => r.orgUnit)
    expect(tomorrow).not.toEqual(held.map((p) => p.orgUnit))
  })

  it('reminds only RC with refused values for a « refused » rule, even when complete', () => {
    const plan = planReminders(
      input({
        rules: [rule({ audience: 'refused', channels: ['sms'] })],
        refused: new Set(['ou2']),
        complete: new Set(['ou2']),
      }),
    )
    expect(plan.map((p) => p.orgUnit)).toEqual(['ou2'])
  })

  it('sends a supervisor one summary naming their RC still missing', () => {
    const rcs = Array.from({ length: 8 }, (_, i) => rc(i + 1))
    const plan = planReminders(
      input({
        rules: [rule({ audience: 'supervisors', channels: ['message'], template: 'Bonjour {nom}, manquent : {rc}.' })],
        rcs,
        complete: new Set(['ou1']),
      }),
    )
    expect(plan).toHaveLength(1)
    expect(plan[0]!.kind).toBe('summary')
    expect(plan[0]!.text).toBe('Bonjour Awa Sossa, manquent : RC 2, RC 3, RC 4, RC 5, RC 6 et 2 autres.')
  })

  it('skips an RC with no user account (nobody to write to)', () => {
    expect(planReminders(input({ rcs: [rc(1, { users: [] })] }))).toEqual([])
  })
})

describe('inQuietHours', () => {
  it('reads hours across midnight and within a day', () => {
    const night = { from: '19:00', to: '08:00' }
    expect(inQuietHours('19:00', night)).toBe(true)
    expect(inQuietHours('07:59', night)).toBe(true)
    expect(inQuietHours('08:00', night)).toBe(false)
    expect(inQuietHours('12:30', { from: '12:00', to: '14:00' })).toBe(true)
    expect(inQuietHours('14:00', { from: '12:00', to: '14:00' })).toBe(false)
    expect(inQuietHours('03:00', { from: '00:00', to: '00:00' })).toBe(false)
  })
})

describe('rules', () => {
  it('refuses an unknown placeholder, keeps the good rules when one is bad', () => {
    const { rules, problems } = parseRules({ rules: [rule(), { ...rule({ id: 'r2' }), template: 'Bonjour {name}' }] })
    expect(rules.map((r) => r.id)).toEqual(['r1'])
    expect(problems).toEqual([expect.stringContaining('rules[1]: template unknown placeholder')])
    expect(parseRules(undefined)).toEqual({ rules: [], problems: [] })
    expect(parseRules({ rules: 'x' }).problems).toEqual(['rules: not a list'])
  })

  it('fills placeholders and leaves the unknown ones visible', () => {
    expect(renderTemplate('{nom} / {mois} / {x}', { nom: 'Afi', mois: 'mai 2026' })).toBe('Afi / mai 2026 / {x}')
  })
})
