import type { Finding } from './findings'
import { countByKind, zoneMonthScores, zoneOfPath } from './score'

const finding = (id: string, kind: Finding['kind'], orgUnit: string, period: string): Finding => ({
  id,
  kind,
  orgUnit,
  period,
  attributeOptionCombo: 'aoc',
})

describe('quality score', () => {
  it('finds the zone in an RC’s path', () => {
    expect(zoneOfPath('/bj/dep/zone1/aire/rc1')).toBe('zone1')
    expect(zoneOfPath('/bj')).toBeUndefined()
  })

  it('is the share of reporting RC with no open finding, per zone and month', () => {
    const zones: Record<string, string> = { rc1: 'z1', rc2: 'z1', rc3: 'z1', rc4: 'z1', rc9: 'z2' }
    const reporting = new Map([
      ['202603', new Set(['rc1', 'rc2', 'rc3', 'rc4', 'rc9'])],
      ['202604', new Set(['rc1'])],
    ])
    const findings = [
      finding('a', 'outlier', 'rc1', '202603'),
      finding('b', 'validation', 'rc1', '202603'),
      finding('c', 'outlier', 'rc2', '202603'),
      finding('d', 'followup', 'rc3', '202603'),
    ]
    const reviewed = new Set(['d'])
    const scores = zoneMonthScores(
      findings,
      reporting,
      (rc) => zones[rc],
      (f) => reviewed.has(f.id),
    )
    expect(scores).toEqual([
      {
        zone: 'z1',
        period: '202603',
        open: { outlier: 2, validation: 1, followup: 0, disaggregation: 0 },
        reviewed: 1,
        reporting: 4,
        clean: 2,
        score: 50,
      },
      {
        zone: 'z1',
        period: '202604',
        open: { outlier: 0, validation: 0, followup: 0, disaggregation: 0 },
        reviewed: 0,
        reporting: 1,
        clean: 1,
        score: 100,
      },
      {
        zone: 'z2',
        period: '202603',
        open: { outlier: 0, validation: 0, followup: 0, disaggregation: 0 },
        reviewed: 0,
        reporting: 1,
        clean: 1,
        score: 100,
      },
    ])
    // Reviewing rc2's only finding makes rc2 clean: 3 of 4.
    reviewed.add('c')
    expect(
      zoneMonthScores(
        findings,
        reporting,
        (rc) => zones[rc],
        (f) => reviewed.has(f.id),
      )[0]?.score,
    ).toBe(75)
  })

  it('gives no score to a month without a report', () => {
    const [only] = zoneMonthScores(
      [finding('a', 'outlier', 'rc1', '202603')],
      new Map(),
      () => 'z1',
      () => false,
    )
    expect(only?.score).toBeUndefined()
    expect(only?.reporting).toBe(0)
  })

  it('counts the open findings by kind', () => {
    const findings = [
      finding('a', 'outlier', 'r', 'p'),
      finding('b', 'outlier', 'r', 'p'),
      finding('c', 'disaggregation', 'r', 'p'),
    ]
    expect(countByKind(findings, (f) => f.id === 'b')).toEqual({
      outlier: 1,
      validation: 0,
      followup: 0,
      disaggregation: 1,
    })
  })
})
