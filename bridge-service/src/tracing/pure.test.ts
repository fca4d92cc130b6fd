/** The pure parts of LTFU tracing: pseudonyms, the vault, the key check, a list's rows, the RC match, messages. */
import { requireTracingKey, TracingKeyError } from './key'
import { ageBandOf, checkRow, parseDate } from './cases'
import { csvRows, fhirRows, ListError, MAX_LIST_ROWS } from './list'
import { outcomeBody } from './outcome-message'
import { eventUid, isTracingPseudonym, pseudonym, TRACING_CODE, tracingCode } from './pseudonym'
import { matchRc, villageOf, type RcUnit } from './rc-match'
import { outcomeOf, taskEvent, type TracingProgram } from './task-event'
import { Vault, VaultError } from './vault'
import { later, readFrom } from './cursor'

const KEY = '9f2c4e7a1b3d5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e'
const OTHER_KEY = '0a1b2c3d4e5f60718293a4b5c6d7e8f9f2c4e7a1b3d5f60718293a4b5c6d7e9'
const TODAY = '2026-10-05'

describe('pseudonyms', () => {
  it('are keyed, per site, stable, and give a readable code and a DHIS2 uid', () => {
    const p = pseudonym(KEY, 'SITE-CNHU', 'CNHU-000123')
    expect(isTracingPseudonym(p)).toBe(true)
    expect(pseudonym(KEY, 'SITE-CNHU', ' cnhu-000123 ')).toBe(p)
    expect(pseudonym(KEY, 'SITE-MENONTIN', 'CNHU-000123')).not.toBe(p)
    expect(pseudonym(OTHER_KEY, 'SITE-CNHU', 'CNHU-000123')).not.toBe(p)
    expect(p).not.toContain('000123')
    const code = tracingCode(p)
    expect(code).toMatch(TRACING_CODE)
    expect(tracingCode(p)).toBe(code)
    expect(eventUid(p)).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/)
    expect(eventUid(p)).toBe(eventUid(p))
    expect(eventUid(pseudonym(KEY, 'SITE-CNHU', 'CNHU-000124'))).not.toBe(eventUid(p))
  })

  it('codes spread: 2,000 patients, 2,000 codes and uids', () => {
    const ps = Array.from({ length: 2000 }, (_, i) => pseudonym(KEY, 'SITE-CNHU', `P${i}`))
    expect(new Set(ps.map(tracingCode)).size).toBe(2000)
    expect(new Set(ps.map(eventUid)).size).toBe(2000)
  })
})

describe('the vault', () => {
  it('opens only for the same site and key, and each seal differs', () => {
    const vault = new Vault(KEY)
    const sealed = vault.seal('SITE-CNHU', 'CNHU-000123')
    expect(sealed).not.toContain('000123')
    expect(vault.seal('SITE-CNHU', 'CNHU-000123')).not.toBe(sealed)
    expect(vault.open('SITE-CNHU', sealed)).toBe('CNHU-000123')
    expect(() => vault.open('SITE-MENONTIN', sealed)).toThrow(VaultError)
    expect(() => new Vault(OTHER_KEY).open('SITE-CNHU', sealed)).toThrow(VaultError)
    const bytes = Buffer.from(sealed.slice(3), 'base64url')
    bytes[14] = bytes[14]! ^ 1
    expect(() => vault.open('SITE-CNHU', `v1.${bytes.toString('base64url')}`)).toThrow(VaultError)
    expect(() => vault.open('SITE-CNHU', 'v1.AAAA')).toThrow(VaultError)
  })
})

describe('the key', () => {
  it('refuses a missing, short, placeholder or monotonous key, in French and English', () => {
    expect(requireTracingKey(KEY)).toBe(KEY)
    for (const bad of [
      undefined,
      '',
      'short',
      'change-me-0123456789abcdef0123456789',
      'a'.repeat(64),
      '01'.repeat(32),
    ]) {
      expect(() => requireTracingKey(bad)).toThrow(TracingKeyError)
    }
    expect(() => requireTracingKey(undefined)).toThrow(/ne démarre pas.*does not start/)
  })
})

describe('a row of a list', () => {
  const good = {
    'ID patient': 'CNHU-000123',
    Nom: 'Afiavi Houénou',
    Téléphone: '+229 97 00 00 01',
    Sexe: 'Féminin',
    'Date de naissance': '12/03/2004',
    'RDV manqué': '14/09/2026',
    Localité: ' Zè  Centre ',
    'Code RC': 'rc-aq-00041',
  }

  it('keeps only what the RC needs; the name, phone and birth date are dropped', () => {
    const row = checkRow(2, good, TODAY)
    expect(row).toEqual({
      ok: true,
      value: {
        rowNumber: 2,
        siteId: 'CNHU-000123',
        sex: 'F',
        ageBand: 'A_15_24',
        missedAppointment: '2026-09-14',
        locality: 'Zè Centre',
        rcCode: 'RC-AQ-00041',
      },
    })
    expect(JSON.stringify(row)).not.toMatch(/Afiavi|97 00|2004/)
  })

  it('refuses a bad row with its number and reasons, never its values', () => {
    const row = checkRow(
      7,
      { ...good, Sexe: 'X', 'RDV manqué': '31/02/2026', Localité: '=cmd|calc!A0', 'Code RC': '' },
      TODAY,
    )
    expect(row.ok).toBe(false)
    if (row.ok) return
    expect(row.codes).toEqual(['sex-invalid', 'missed-appointment-invalid', 'locality-invalid', 'rc-missing'])
    expect(row.message).toMatch(/^Ligne 7 : .*Row 7: /)
    expect(row.message).not.toMatch(/cmd|CNHU|Afiavi/)
    expect(checkRow(8, { ...good, 'RDV manqué': '2026-11-01' }, TODAY)).toMatchObject({
      codes: ['missed-appointment-future'],
    })
    expect(checkRow(9, { ...good, 'ID patient': '=HYPERLINK("x")' }, TODAY)).toMatchObject({
      codes: ['site-id-invalid'],
    })
    expect(checkRow(10, {}, TODAY)).toMatchObject({ ok: false })
  })

  it('reads an age, an age band, dates as sites write them', () => {
    expect(ageBandOf(14)).toBe('A_MOINS15')
    expect(ageBandOf(24)).toBe('A_15_24')
    expect(ageBandOf(25)).toBe('A_25PLUS')
    const { 'Date de naissance': _b, ...noBirth } = good
    expect(checkRow(3, { ...noBirth, age: '31' }, TODAY)).toMatchObject({ value: { ageBand: 'A_25PLUS' } })
    expect(checkRow(3, { ...noBirth, tranche_age: 'A_MOINS15' }, TODAY)).toMatchObject({
      value: { ageBand: 'A_MOINS15' },
    })
    expect(parseDate('2026-09-14')).toBe('2026-09-14')
    expect(parseDate('4.9.2026')).toBe('2026-09-04')
    expect(parseDate('2026-02-30')).toBeUndefined()
  })
})

describe('a list', () => {
  it('CSV: messy rows each get their outcome, with ; and a BOM and Windows line ends', async () => {
    const csv =
      '\ufeffid_patient;nom;sexe;age;rdv_manque;localite;aire_sanitaire\r\n' +
      'A1;Awa;F;34;2026-09-01;Zè-Centre;AS-AQ-01-01\r\n' +
      ';Sans id;M;20;2026-09-02;Tori;AS-AQ-01-01\r\n' +
      'A3;"Koffi; dit ""Ko""";M;abc;2026-09-03;Tori;AS-AQ-01-01\r\n' +
      '\r\n'
    const rows = await csvRows(Buffer.from(csv, 'utf8'))
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4])
    const checked = rows.map((r) => checkRow(r.rowNumber, r.cells, TODAY))
    expect(checked.map((c) => (c.ok ? 'ok' : c.codes.join(',')))).toEqual(['ok', 'site-id-missing', 'age-missing'])
  })

  it('CSV: too many rows is refused whole; garbage is unreadable, not a crash', async () => {
    const big = 'id_patient,sexe\n' + 'x,M\n'.repeat(MAX_LIST_ROWS + 1)
    await expect(csvRows(Buffer.from(big))).rejects.toMatchObject({ code: 'too-many-rows' })
    await expect(csvRows(Buffer.alloc(0))).rejects.toBeInstanceOf(ListError)
  })

  it('FHIR: one row per missed appointment with its patient', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: 'urn:uuid:p1',
          resource: {
            resourceType: 'Patient',
            id: 'p1',
            identifier: [{ system: 'urn:site', value: 'CNHU-9' }],
            name: [{ family: 'Houénou' }],
            gender: 'female',
            birthDate: '1990-01-01',
            address: [{ city: 'Zè-Centre', district: 'AS-AQ-01-01' }],
            extension: [{ url: 'http://relais.bj/fhir/code-rc', valueString: 'RC-AQ-00041' }],
          },
        },
        {
          resource: {
            resourceType: 'Appointment',
            status: 'noshow',
            start: '2026-09-10T09:00:00Z',
            participant: [{ actor: { reference: 'Patient/p1' } }],
          },
        },
        {
          resource: {
            resourceType: 'Appointment',
            status: 'booked',
            start: '2026-09-20T09:00:00Z',
            participant: [{ actor: { reference: 'urn:uuid:p1' } }],
          },
        },
        {
          resource: {
            resourceType: 'Appointment',
            status: 'booked',
            start: '2026-12-20T09:00:00Z',
            participant: [{ actor: { reference: 'Patient/p1' } }],
          },
        },
        {
          resource: {
            resourceType: 'Appointment',
            status: 'fulfilled',
            start: '2026-09-01T09:00:00Z',
            participant: [{ actor: { reference: 'Patient/p1' } }],
          },
        },
        {
          resource: {
            resourceType: 'Appointment',
            status: 'noshow',
            start: '2026-09-11',
            participant: [{ actor: { reference: 'Patient/nobody' } }],
          },
        },
      ],
    }
    const rows = fhirRows(bundle, TODAY)
    expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 6])
    const checked = rows.map((r) => checkRow(r.rowNumber, r.cells, TODAY))
    expect(checked[0]).toMatchObject({
      ok: true,
      value: {
        siteId: 'CNHU-9',
        sex: 'F',
        ageBand: 'A_25PLUS',
        missedAppointment: '2026-09-10',
        rcCode: 'RC-AQ-00041',
      },
    })
    expect(checked[1]).toMatchObject({ ok: true, value: { missedAppointment: '2026-09-20' } })
    expect(checked[2]).toMatchObject({ ok: false })
    expect(() => fhirRows({ resourceType: 'Patient' }, TODAY)).toThrow(ListError)
    expect(() => fhirRows('[]', TODAY)).toThrow(ListError)
  })
})

describe('the RC of a case', () => {
  const units: RcUnit[] = [
    { id: 'ou1', code: 'RC-AQ-00041', name: 'RC Afiavi Houénou (Zè-Centre)', parentCode: 'AS-AQ-01-01' },
    { id: 'ou2', code: 'RC-AQ-00042', name: 'RC Koffi Dossou (Tori)', parentCode: 'AS-AQ-01-01' },
    { id: 'ou3', code: 'RC-AQ-00043', name: 'RC Awa Sossa (Tori)', parentCode: 'AS-AQ-01-01' },
    { id: 'ou4', code: 'RC-AQ-00044', name: 'RC Ama Zinsou (Zè-Centre)', parentCode: 'AS-AQ-01-02' },
  ]
  it('by code, or by aire and locality; never a guess', () => {
    expect(villageOf('RC Afiavi Houénou (Zè-Centre)')).toBe('Zè-Centre')
    expect(matchRc({ rcHint: 'rc-aq-00042', areaHint: null, locality: 'x' }, units)).toMatchObject({
      ok: true,
      rc: { id: 'ou2' },
    })
    expect(matchRc({ rcHint: 'RC-AQ-09999', areaHint: null, locality: 'x' }, units)).toEqual({
      ok: false,
      reason: 'rc-unknown',
    })
    expect(matchRc({ rcHint: null, areaHint: 'AS-AQ-01-01', locality: 'ze centre' }, units)).toMatchObject({
      ok: true,
      rc: { id: 'ou1' },
    })
    expect(matchRc({ rcHint: null, areaHint: 'AS-AQ-01-01', locality: 'Tori' }, units)).toEqual({
      ok: false,
      reason: 'rc-ambiguous',
    })
    expect(matchRc({ rcHint: null, areaHint: 'AS-AQ-01-01', locality: 'Cotonou' }, units)).toEqual({
      ok: false,
      reason: 'rc-not-found-in-area',
    })
  })
})

describe('the event and the message', () => {
  const program: TracingProgram = {
    program: 'PrgPdv00001',
    programStage: 'StgPdv00001',
    dataElements: {
      tracingCode: 'De1',
      site: 'De2',
      sex: 'De3',
      ageBand: 'De4',
      locality: 'De5',
      missedAppointment: 'De6',
      outcome: 'De7',
      outcomeDate: 'De8',
    },
  }
  it('the task carries six values; the outcome is read from a completed event only', () => {
    const e = taskEvent(
      program,
      {
        eventUid: 'EvtPdv00001',
        tracingCode: 'PDV-AAAAA-BBBBB',
        site: 'SITE-CNHU',
        sex: 'F',
        ageBand: 'A_25PLUS',
        locality: 'Tori',
        missedAppointment: '2026-09-01',
      },
      'ou1',
      '2026-10-05',
    )
    expect(e).toMatchObject({ event: 'EvtPdv00001', orgUnit: 'ou1', status: 'ACTIVE' })
    expect(e.dataValues).toHaveLength(6)
    const values = [
      { dataElement: 'De7', value: 'RETROUVE_REVENU' },
      { dataElement: 'De8', value: '2026-10-07' },
    ]
    expect(outcomeOf(program, { event: 'x', status: 'COMPLETED', dataValues: values })).toEqual({
      outcome: 'RETROUVE_REVENU',
      outcomeDate: '2026-10-07',
    })
    expect(outcomeOf(program, { event: 'x', status: 'ACTIVE', dataValues: values })).toBeUndefined()
    expect(
      outcomeOf(program, { event: 'x', status: 'COMPLETED', dataValues: [{ dataElement: 'De7', value: 'PARTI' }] }),
    ).toBeUndefined()
  })
  it('the message is keyed by the site’s own id, JSON or a FHIR Task', () => {
    const m = {
      caseId: 'CNHU-000123',
      outcome: 'DEMENAGE' as const,
      outcomeDate: '2026-10-07',
      tracingCode: 'PDV-AAAAA-BBBBB',
    }
    expect(JSON.parse(outcomeBody('csv', m))).toEqual(m)
    expect(JSON.parse(outcomeBody('fhir', m))).toMatchObject({
      resourceType: 'Task',
      status: 'completed',
      for: { identifier: { value: 'CNHU-000123' } },
      businessStatus: { coding: [{ code: 'DEMENAGE' }] },
    })
  })
})

describe('the outcome cursor', () => {
  it('keeps DHIS2’s naive times as they are, compares and moves them back without a zone shift', () => {
    expect(later(undefined, '2026-10-07T14:03:11.482')).toBe('2026-10-07T14:03:11.482')
    expect(later('2026-10-07T14:03:11.482', '2026-10-07T09:00:00.000')).toBe('2026-10-07T14:03:11.482')
    expect(later('2026-10-07T14:03:11.482', 'garbage')).toBe('2026-10-07T14:03:11.482')
    expect(readFrom('2026-10-07T14:03:11.482', 60_000)).toBe('2026-10-07T14:02:11.482')
    expect(readFrom('2026-10-07T00:00:30Z', 60_000)).toBe('2026-10-06T23:59:30.000Z')
    expect(readFrom(undefined, 60_000)).toBeUndefined()
  })
})
