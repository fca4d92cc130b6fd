import { canEditGaps, gapInputProblems, gapStatus, recordGap, setGapClosed, type GapInput } from './gaps'

const subject = { orgUnit: 'rcA', orgUnitName: 'RC A', period: '202609', reason: 'notReported' as const }
const input: GapInput = { cause: 'reseau', causeDetail: '', action: ' Visite du superviseur ', dueDate: '2026-10-10' }
const codjo = { username: 'superviseur', name: 'Codjo Agossou' }

describe('gaps', () => {
  it('is open, overdue the day after its due date, closed once closed', () => {
    expect(gapStatus(undefined, '2026-10-03')).toBe('open')
    expect(gapStatus({ dueDate: '2026-10-10' }, '2026-10-10')).toBe('open')
    expect(gapStatus({ dueDate: '2026-10-10' }, '2026-10-11')).toBe('overdue')
    expect(gapStatus({ dueDate: '2026-10-10', closedAt: '2026-10-12T09:00:00.000' }, '2026-10-20')).toBe('closed')
  })

  it('asks for details with "autre", an action and a real due date', () => {
    expect(gapInputProblems(input)).toEqual([])
    expect(gapInputProblems({ cause: 'autre', causeDetail: ' ', action: '', dueDate: '2026-13-45' })).toEqual([
      'causeDetail',
      'action',
      'dueDate',
    ])
  })

  it('keeps every change in the history with who and when, and other gaps untouched', () => {
    const other = recordGap(
      null,
      { ...subject, orgUnit: 'rcB', orgUnitName: 'RC B' },
      input,
      codjo,
      '2026-10-03T08:00:00.000',
    )
    const first = recordGap(other, subject, input, codjo, '2026-10-03T10:00:00.000')
    const second = recordGap(first, subject, { ...input, dueDate: '2026-10-17' }, codjo, '2026-10-04T10:00:00.000')
    const closed = setGapClosed(second, subject, true, codjo, '2026-10-05T10:00:00.000')
    const reopened = setGapClosed(closed, subject, false, codjo, '2026-10-06T10:00:00.000')

    expect(closed.gaps.rcA?.closedAt).toBe('2026-10-05T10:00:00.000')
    expect(reopened.gaps.rcA?.closedAt).toBeUndefined()
    expect(reopened.gaps.rcA).toMatchObject({ action: 'Visite du superviseur', dueDate: '2026-10-17', cause: 'reseau' })
    expect(reopened.gaps.rcA?.history).toEqual([
      {
        event: 'recorded',
        at: '2026-10-03T10:00:00.000',
        by: 'superviseur',
        byName: 'Codjo Agossou',
        cause: 'reseau',
        causeDetail: '',
        action: 'Visite du superviseur',
        dueDate: '2026-10-10',
      },
      expect.objectContaining({ event: 'updated', dueDate: '2026-10-17' }),
      { event: 'closed', at: '2026-10-05T10:00:00.000', by: 'superviseur', byName: 'Codjo Agossou' },
      { event: 'reopened', at: '2026-10-06T10:00:00.000', by: 'superviseur', byName: 'Codjo Agossou' },
    ])
    expect(reopened.gaps.rcB).toEqual(other.gaps.rcB)
  })

  it('lets supervisors edit and data managers only read', () => {
    expect(canEditGaps(['superviseur'])).toBe(true)
    expect(canEditGaps(['gestionnaire', 'superviseur'])).toBe(true)
    expect(canEditGaps(['gestionnaire'])).toBe(false)
    expect(canEditGaps(['administrateur'])).toBe(false)
  })
})
