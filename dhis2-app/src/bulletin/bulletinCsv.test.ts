import { parsePeriod, type Period } from '../shared/mappings'
import { bulletinCsv, parseBulletinCsv } from './bulletinCsv'
import { completenessTable, effectTable, gapsTable, type BulletinTable } from './bulletinTables'

const p = (id: string) => parsePeriod(id) as Period

const completeness = completenessTable(
  {
    total: {
      id: 'dep',
      name: 'Atlantique',
      expected: 60,
      actual: 51,
      onTime: 44,
      completeness: 85,
      timeliness: 73.3333,
    },
    children: [
      {
        id: 'z1',
        name: 'ZS Ouidah; Kpomassè',
        expected: 30,
        actual: 27,
        onTime: 20,
        completeness: 90,
        timeliness: 66.6667,
      },
    ],
  },
  'fr',
)

describe('bulletin CSV', () => {
  const csv = bulletinCsv(
    {
      title: 'Bulletin mensuel — Département Atlantique',
      lines: [
        ['Période', 'septembre 2026'],
        ['Sources', 'DHIS2, "analytics"'],
      ],
    },
    [completeness, gapsTable({ ok: false, reason: 'Le pont ne répond pas.' }, 'fr')],
  )

  it('separates with « ; », writes decimal commas and CRLF line ends (French Excel)', () => {
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe('Bulletin mensuel — Département Atlantique')
    expect(lines).toContain('Atlantique;60;51;44;85;73,3')
    expect(csv.endsWith('\r\n')).toBe(true)
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n/)
  })

  it('quotes fields holding the separator or quotes (RFC 4180)', () => {
    expect(csv).toContain('"ZS Ouidah; Kpomassè";30;27;20;90;66,7')
    expect(csv).toContain('Sources;"DHIS2, ""analytics"""')
  })

  it('keeps a section that could not be read, with the reason', () => {
    const rows = parseBulletinCsv(csv)
    const at = rows.findIndex((r) => r[0] === 'Gaps and their follow-up')
    expect(at).toBeGreaterThan(0)
    expect(rows[at + 1]?.[0]).toMatch(/Le pont ne répond pas\./)
  })

  it('reads back to the page’s figures: same rows, same order', () => {
    const rows = parseBulletinCsv(`\uFEFF${csv}`)
    const header = rows.findIndex((r) => r[0] === completeness.headers[0])
    expect(rows[header]).toEqual(completeness.headers)
    expect(rows[header + 1]).toEqual(['ZS Ouidah; Kpomassè', '30', '27', '20', '90', '66,7'])
    expect(rows[header + 2]).toEqual(['Atlantique', '60', '51', '44', '85', '73,3'])
  })

  it('neutralises cells a spreadsheet would run as a formula', () => {
    const table: BulletinTable = {
      ...effectTable({ ok: true, value: [] }, (id) => id, 'fr'),
      rows: [{ key: 'x', cells: [], csv: ['=HYPERLINK("x")', -3.5] }],
    }
    expect(bulletinCsv({ title: 't', lines: [] }, [table])).toContain(`"'=HYPERLINK(""x"")";-3,5`)
  })

  it('adds the week’s own completions to a weekly bulletin', () => {
    const total = {
      id: 'z',
      name: 'Zone',
      expected: 4,
      actual: 3,
      onTime: 2,
      completeness: 75,
      timeliness: 50,
      inWeek: 1,
    }
    const weekly = completenessTable({ total, children: [], weekly: { month: p('202609'), week: p('2026W40') } }, 'en')
    expect(weekly.headers).toContain('Completed during the week')
    expect(weekly.total?.csv).toEqual(['Zone', 4, 1, 3, 2, 75, 50])
    expect(weekly.notes[0]).toMatch(/September 2026/)
  })
})
