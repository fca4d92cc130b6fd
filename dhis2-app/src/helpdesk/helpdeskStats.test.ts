import { median, statsByCategory, statsByZone, statsTotal } from './helpdeskStats'
import type { Ticket } from './tickets'

const HOUR = 3_600_000

function ticket(over: Partial<Ticket>): Ticket {
  return {
    id: over.id ?? 'mc',
    subject: '',
    category: 'autre',
    title: '',
    fromRelais: true,
    status: 'new',
    dhis2Status: 'OPEN',
    priority: 'NONE',
    created: '2026-10-01T08:00:00.000',
    lastMessage: '2026-10-01T08:00:00.000',
    read: true,
    messages: [],
    ...over,
  }
}

const tickets = [
  // connexion, zone A: answered after 1 h, resolved after 24 h
  ticket({
    id: 'a',
    category: 'connexion',
    zoneId: 'zoneA',
    status: 'resolved',
    firstAnswerAt: '2026-10-01T09:00:00.000',
    resolvedAt: '2026-10-02T08:00:00.000',
  }),
  // connexion, zone A: answered after 3 h, still open
  ticket({ id: 'b', category: 'connexion', zoneId: 'zoneA', firstAnswerAt: '2026-10-01T11:00:00.000' }),
  // stock, zone B: in progress, answered after 2 h
  ticket({
    id: 'c',
    category: 'stock',
    zoneId: 'zoneB',
    status: 'in-progress',
    firstAnswerAt: '2026-10-01T10:00:00.000',
  }),
  // saisie, unknown zone: no answer yet
  ticket({ id: 'd', category: 'saisie' }),
]

describe('help desk statistics', () => {
  it('counts open tickets and the median waits per category, every category listed', () => {
    const rows = statsByCategory(tickets)
    expect(rows.map((r) => r.key)).toEqual(['saisie', 'connexion', 'telephone', 'formation', 'stock', 'autre'])
    expect(rows.find((r) => r.key === 'connexion')).toEqual({
      key: 'connexion',
      total: 2,
      open: 1,
      answered: 2,
      medianFirstAnswerMs: 2 * HOUR,
      resolved: 1,
      medianResolutionMs: 24 * HOUR,
    })
    expect(rows.find((r) => r.key === 'saisie')).toEqual({ key: 'saisie', total: 1, open: 1, answered: 0, resolved: 0 })
    expect(rows.find((r) => r.key === 'telephone')?.total).toBe(0)
  })

  it('groups by zone, the most open first (then the most tickets), unknown zones under ""', () => {
    expect(statsByZone(tickets).map((r) => [r.key, r.open, r.total])).toEqual([
      ['zoneA', 1, 2],
      ['', 1, 1],
      ['zoneB', 1, 1],
    ])
  })

  it('totals everything, with medians over all answered and resolved tickets', () => {
    expect(statsTotal(tickets)).toMatchObject({ total: 4, open: 3, answered: 3, medianFirstAnswerMs: 2 * HOUR })
  })

  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeUndefined()
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
})
