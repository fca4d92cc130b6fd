import type { SecurityFinding, SecurityReport } from '../shared/bridge/security'
import { actionMutation, AUDIT_ACTION, rolesOf, usersQueryParams, type ReviewUser } from './accessReview'
import { evidenceCsv, evidenceSections, type EvidenceLabels } from './evidenceCsv'
import { parseBulletinCsv } from '../bulletin/bulletinCsv'
import {
  addDays,
  auditDetailText,
  auditFrom,
  daysBetween,
  dhis2Refusal,
  findingsOfRange,
  groupBySeverity,
  newFindings,
  passwordMessage,
  passwordPeople,
  splitUserName,
  summariseOutcomes,
} from './securityModel'

const finding = (
  code: SecurityFinding['code'],
  severity: SecurityFinding['severity'],
  id: string,
  name: string,
  detail: SecurityFinding['detail'] = {},
): SecurityFinding => ({ key: `${code}|user:${id}`, code, severity, subject: { kind: 'user', id, name }, detail })

const EXPIRED = finding('password-expired', 'high', 'usrAire0001', 'Honorine Dossa (superviseur.aire)', { days: 100 })
const EXPIRING = finding('password-expiring', 'medium', 'usrAdmi0001', 'Pélagie Soglo (administrateur)', {
  days: 80,
  daysLeft: 10,
})
const NO_2FA = finding('privileged-without-two-factor', 'high', 'usrAdmi0001', 'Pélagie Soglo (administrateur)', {
  authorities: ['F_USER_ADD'],
})
const SUPER = finding('superuser-not-agreed', 'critical', 'usrAdmin001', 'John Traore (admin)', { agreed: [] })

describe('grouping and what is new', () => {
  it('groups by severity, most severe first, leaving out empty severities', () => {
    const groups = groupBySeverity([EXPIRING, EXPIRED, SUPER, NO_2FA])
    expect(groups.map((g) => [g.severity, g.findings.map((f) => f.code)])).toEqual([
      ['critical', ['superuser-not-agreed']],
      ['high', ['password-expired', 'privileged-without-two-factor']],
      ['medium', ['password-expiring']],
    ])
  })

  it("keeps the report's new findings by their added keys", () => {
    expect(newFindings({ findings: [SUPER, EXPIRED, NO_2FA], added: [NO_2FA.key] })).toEqual([NO_2FA])
  })

  it('finds each finding of a range once, with its first and last day', () => {
    const day = (d: string, findings: SecurityFinding[]) => ({ day: d, findings })
    const range = findingsOfRange([
      day('2026-12-03', [EXPIRED]),
      day('2026-12-01', [EXPIRED, NO_2FA]),
      day('2026-12-02', []),
    ])
    expect(range.map((r) => [r.finding.code, r.firstSeen, r.lastSeen, r.days])).toEqual([
      ['password-expired', '2026-12-01', '2026-12-03', 2],
      ['privileged-without-two-factor', '2026-12-01', '2026-12-01', 1],
    ])
  })
})

describe('passwords', () => {
  it('lists the people whose password expired first, then by days left', () => {
    const people = passwordPeople([EXPIRING, NO_2FA, EXPIRED])
    expect(people).toEqual([
      {
        id: 'usrAire0001',
        name: 'Honorine Dossa',
        username: 'superviseur.aire',
        expired: true,
        days: 100,
        daysLeft: 0,
      },
      { id: 'usrAdmi0001', name: 'Pélagie Soglo', username: 'administrateur', expired: false, days: 80, daysLeft: 10 },
    ])
  })

  it('writes a French message with the name and the days left', () => {
    const [expired, expiring] = passwordPeople([EXPIRED, EXPIRING])
    expect(passwordMessage(expiring!)).toContain('Bonjour Pélagie Soglo,')
    expect(passwordMessage(expiring!)).toContain('expire dans 10 jours')
    expect(passwordMessage(expired!)).toContain('a expiré (il date de 100 jours)')
    expect(passwordMessage({ ...expiring!, daysLeft: 1 })).toContain('expire dans 1 jour.')
  })

  it('splits a subject name from its username', () => {
    expect(splitUserName('Orou Bio (ancien.superviseur)')).toEqual({ name: 'Orou Bio', username: 'ancien.superviseur' })
    expect(splitUserName('relais-bridge')).toEqual({ name: 'relais-bridge', username: undefined })
  })
})

describe('bulk actions', () => {
  it('counts done and failed, and keeps who failed with DHIS2 reason', () => {
    const refused = { id: 'b', name: 'B', ok: false, status: 403, message: 'No' }
    expect(summariseOutcomes([{ id: 'a', name: 'A', ok: true }, refused])).toEqual({
      done: 1,
      failed: 1,
      failures: [refused],
    })
  })

  it("reads DHIS2's WebMessage from the data engine's error", () => {
    const error = Object.assign(new Error('Forbidden'), {
      details: { httpStatusCode: 403, message: "You don't have the proper permissions to update this object." },
    })
    expect(dhis2Refusal(error)).toEqual({
      status: 403,
      message: "You don't have the proper permissions to update this object.",
    })
    expect(dhis2Refusal(new Error('Network'))).toEqual({ message: 'Network' })
  })

  it('makes the DHIS2 2.41 request of each action', () => {
    const today = '2026-12-06'
    expect(actionMutation('disable', 'u1', { today })).toEqual({
      type: 'create',
      resource: 'users/u1/disabled',
      data: {},
    })
    expect(actionMutation('enable', 'u1', { today })).toEqual({
      type: 'create',
      resource: 'users/u1/enabled',
      data: {},
    })
    expect(actionMutation('expire-account', 'u1', { today })).toEqual({
      type: 'create',
      resource: 'users/u1/expired',
      data: {},
      params: { date: today },
    })
    expect(actionMutation('remove-role', 'u1', { today, role: 'r1' })).toEqual({
      type: 'delete',
      resource: 'users/u1/userRoles',
      id: 'r1',
    })
    expect(() => actionMutation('remove-role', 'u1', { today })).toThrow()
    expect(AUDIT_ACTION['expire-account']).toBe('expire-account')
  })

  it('pages and filters the users list the DHIS2 way', () => {
    expect(usersQueryParams({ text: ' dossa ', role: 'r1', group: '' }, 3)).toMatchObject({
      page: 3,
      pageSize: 25,
      query: 'dossa',
      filter: ['userRoles.id:eq:r1'],
    })
    expect(usersQueryParams({ text: '', role: '', group: '' }, 1)).not.toHaveProperty('filter')
    expect(usersQueryParams({ text: '', role: '', group: '' }, 1)).not.toHaveProperty('query')
  })

  it('offers the roles the chosen people hold', () => {
    const user = (roles: string[]): ReviewUser => ({
      id: roles.join(),
      username: 'u',
      name: 'U',
      disabled: false,
      userRoles: roles.map((r) => ({ id: r, name: `Rôle ${r}` })),
      userGroups: [],
      organisationUnits: [],
    })
    expect(rolesOf([user(['b', 'a']), user(['a'])])).toEqual([
      { id: 'a', name: 'Rôle a' },
      { id: 'b', name: 'Rôle b' },
    ])
  })
})

describe('audit entries and days', () => {
  it('reads the address a call came from and the rest of the detail', () => {
    const entry = { detail: { users: ['u1', 'u2'], done: 2, failed: 0, from: '10.0.0.7' } }
    expect(auditFrom(entry)).toBe('10.0.0.7')
    expect(auditDetailText(entry)).toBe('users: u1, u2 · done: 2 · failed: 0')
    expect(auditFrom({ detail: null })).toBeUndefined()
  })

  it('counts calendar days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(daysBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02'])
  })
})

describe('evidence CSV', () => {
  const labels: EvidenceLabels = {
    title: 'Dossier de preuves',
    heading: [['Du', '2026-12-01']],
    days: {
      title: 'Jours',
      headers: ['Jour', 'Heure', 'C', 'H', 'M', 'B', 'Nouveaux', 'Résolus'],
      empty: 'Aucun jour',
    },
    findings: {
      title: 'Constats',
      headers: ['Gravité', 'Code', 'Constat', 'Sujet', 'Détail', 'Vu', 'Revu', 'Jours'],
      empty: 'Aucun',
    },
    audit: {
      title: 'Audit',
      headers: ['Quand', 'Qui', 'Rôle', 'Action', 'Cible', 'Détail', 'Depuis'],
      empty: 'Aucune entrée',
    },
  }
  const say = {
    severity: (f: SecurityFinding) => f.severity,
    title: (f: SecurityFinding) => f.code,
    sentence: (f: SecurityFinding) => `=${f.subject.name}; ok`,
  }
  const report = (day: string): Pick<SecurityReport, 'day' | 'findings'> => ({ day, findings: [EXPIRED] })

  it('writes the heading and three sections, « ; » separated, quoted and guarded against formulas', () => {
    const sections = evidenceSections(
      {
        days: [
          {
            day: '2026-12-01',
            createdAt: '2026-12-01T05:00:00.000Z',
            counts: { critical: 0, high: 1, medium: 0, low: 0 },
            added: 1,
            resolved: 0,
          },
        ],
        findings: findingsOfRange([report('2026-12-01')]),
        audit: [],
      },
      labels,
      say,
    )
    const csv = evidenceCsv(labels.title, labels.heading, sections)
    expect(csv.endsWith('\r\n')).toBe(true)
    const rows = parseBulletinCsv(csv)
    expect(rows[0]).toEqual(['Dossier de preuves'])
    expect(rows[1]).toEqual(['Du', '2026-12-01'])
    const at = rows.findIndex((r) => r[0] === 'Jour')
    expect(rows[at + 1]).toEqual(['2026-12-01', '2026-12-01T05:00:00.000Z', '0', '1', '0', '0', '1', '0'])
    const f = rows.findIndex((r) => r[0] === 'Gravité')
    expect(rows[f + 1]).toEqual([
      'high',
      'password-expired',
      'password-expired',
      'Honorine Dossa (superviseur.aire)',
      "'=Honorine Dossa (superviseur.aire); ok",
      '2026-12-01',
      '2026-12-01',
      '1',
    ])
    expect(rows.some((r) => r[0] === 'Aucune entrée')).toBe(true)
  })
})
