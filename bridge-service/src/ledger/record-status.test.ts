import {
  assertTransition,
  canTransition,
  IllegalTransitionError,
  IN_FLIGHT_STATUSES,
  isRecordStatus,
  isTerminal,
  PARKED_STATUSES,
  RECORD_STATUSES,
  TERMINAL_STATUSES,
  TRANSITIONS,
} from './record-status'

describe('record statuses', () => {
  it('splits every status into in flight, parked or terminal, exactly once', () => {
    const all = [...IN_FLIGHT_STATUSES, ...PARKED_STATUSES, ...TERMINAL_STATUSES]
    expect([...all].sort()).toEqual([...RECORD_STATUSES].sort())
  })

  it('follows the life of DESIGN.md', () => {
    const edges = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}→${to}`))
    expect(edges.sort()).toEqual(
      [
        'received→mapped',
        'received→quarantined',
        'mapped→imported',
        'mapped→unchanged',
        'mapped→quarantined',
        'mapped→failed',
        'quarantined→mapped',
        'quarantined→discarded',
        'failed→mapped',
      ].sort(),
    )
  })

  it('has no way out of a terminal status but the manual retry of a failed record', () => {
    for (const s of TERMINAL_STATUSES) {
      expect(isTerminal(s)).toBe(true)
      expect(TRANSITIONS[s]).toEqual(s === 'failed' ? ['mapped'] : [])
    }
    expect(isTerminal('quarantined')).toBe(false)
  })

  it('checks transitions and their reasons', () => {
    expect(canTransition('received', 'mapped')).toBe(true)
    expect(canTransition('received', 'imported')).toBe(false)
    expect(() => assertTransition('imported', 'mapped')).toThrow(IllegalTransitionError)
    expect(() => assertTransition('imported', 'mapped')).toThrow('from imported: none, it is terminal')
    expect(() => assertTransition('mapped', 'quarantined')).toThrow(/reason among/)
    expect(() => assertTransition('mapped', 'quarantined', 'conflict')).not.toThrow()
    expect(() => assertTransition('quarantined', 'discarded', '  ')).toThrow(/with a reason/)
    expect(() => assertTransition('quarantined', 'discarded', 'test row')).not.toThrow()
    expect(isRecordStatus('mapped')).toBe(true)
    expect(isRecordStatus('lost')).toBe(false)
  })
})
