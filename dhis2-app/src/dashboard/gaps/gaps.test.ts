import {
  canEditGaps,
  closeChange,
  foldGapChanges,
  gapChangeKey,
  completeDraft,
  gapInputProblems,
  gapStatus,
  recordChange,
  type GapChangeEntry,
  type GapChangeValue,
  type GapInput,
} from './gaps'

const subject = { orgUnit: 'rcA', orgUnitName: 'RC A', period: '202609', reason: 'notReported' as const }
const input: GapInput = { cause: 'reseau', causeDetail: '', action: ' Visite du superviseur ', dueDate: '2026-10-10' }
const codjo = { id: 'usrCodjo001', username: 'superviseur', name: 'Codjo Agossou' }
const awa = { id: 'usrAwaRC001', username: 'relais', name: 'Awa Hounsa' }
const SUPERVISORS = new Set([codjo.id])

let n = 0
/** A change as DHIS2 holds it: written by `by` at `created` (its metaData). */
const entry = (value: GapChangeValue, created: string, by = codjo, lastUpdatedById = by.id): GapChangeEntry => ({
  key: gapChangeKey(value, `r${n++}`),
  value,
  createdBy: by,
  lastUpdatedById,
  created,
})

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

  it('has no cause until the supervisor chooses one, and records nothing without it', () => {
    const draft = { ...input, cause: '' as const }
    expect(gapInputProblems(draft)).toEqual(['cause'])
    expect(completeDraft(draft)).toBeUndefined()
    expect(completeDraft(input)).toEqual(input)
  })

  it('folds the changes in DHIS2 order, with who and when from DHIS2, other gaps untouched', () => {
    const rcB = { ...subject, orgUnit: 'rcB', orgUnitName: 'RC B' }
    const entries = [
      // Stored in any order: DHIS2's created time orders them.
      entry(closeChange(subject, false), '2026-10-06T10:00:00.000'),
      entry(recordChange(subject, input), '2026-10-03T10:00:00.000'),
      entry(recordChange(rcB, input), '2026-10-03T08:00:00.000'),
      entry(recordChange(subject, { ...input, dueDate: '2026-10-17' }), '2026-10-04T10:00:00.000'),
      entry(closeChange(subject, true), '2026-10-05T10:00:00.000'),
    ]
    const { document, ignored } = foldGapChanges(entries, '202609', SUPERVISORS)
    expect(ignored).toBe(0)
    const a = document.gaps.rcA
    expect(a?.closedAt).toBeUndefined()
    expect(a).toMatchObject({ action: 'Visite du superviseur', dueDate: '2026-10-17', cause: 'reseau' })
    expect(a?.history).toEqual([
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
    expect(document.gaps.rcB?.history).toHaveLength(1)
    // Closed, then reopened: only the first three changes.
    const closed = foldGapChanges(entries.slice(1), '202609', SUPERVISORS).document.gaps.rcA
    expect(closed?.closedAt).toBe('2026-10-05T10:00:00.000')
  })

  it("leaves out what an RC wrote, a change someone rewrote, another period's and malformed changes", () => {
    const genuine = entry(recordChange(subject, input), '2026-10-03T10:00:00.000')
    const forged: GapChangeEntry[] = [
      // An RC writes a change that claims to close the gap.
      entry(closeChange(subject, true), '2026-10-04T10:00:00.000', awa),
      // A supervisor's change the RC rewrote afterwards (lastUpdatedBy is DHIS2's, not theirs to set).
      {
        ...entry(recordChange(subject, { ...input, cause: 'abandon' }), '2026-10-04T11:00:00.000'),
        lastUpdatedById: awa.id,
      },
      // In the value, not the key: another period.
      { ...entry(recordChange({ ...subject, period: '202608' }, input), '2026-10-04T12:00:00.000') },
      entry({ ...recordChange(subject, input), cause: 'vacances' as never }, '2026-10-04T13:00:00.000'),
      { ...genuine, key: 'gap-202609-rcA-x', value: 'not an object' },
    ]
    const { document, ignored } = foldGapChanges([genuine, ...forged], '202609', SUPERVISORS)
    expect(ignored).toBe(forged.length)
    expect(document.gaps.rcA?.closedAt).toBeUndefined()
    expect(document.gaps.rcA?.cause).toBe('reseau')
    expect(document.gaps.rcA?.history).toHaveLength(1)
  })

  it('lets supervisors edit and data managers only read', () => {
    expect(canEditGaps(['superviseur'])).toBe(true)
    expect(canEditGaps(['gestionnaire', 'superviseur'])).toBe(true)
    expect(canEditGaps(['gestionnaire'])).toBe(false)
    expect(canEditGaps(['administrateur'])).toBe(false)
  })
})
