import {
  checkRoster,
  isActive,
  missingColumns,
  parseDay,
  parsePhone,
  rcOrgUnit,
  type Aire,
  type RosterRow,
} from './roster'

const AIRES: Aire[] = [
  { id: 'asGodomey01', code: 'AS-AQ-01-01', name: 'AS Godomey-Centre', path: '/bj/aq/zs/asGodomey01' },
  { id: 'asTori00001', code: 'AS-AQ-01-02', name: 'AS Tori', path: '/bj/aq/zs/asTori00001' },
  { id: 'asTori00002', code: 'AS-BO-02-01', name: 'AS Tori', path: '/bj/bo/zs/asTori00002' },
]

const row = (line: number, cells: Record<string, string>): RosterRow => ({
  line,
  cells: {
    Code: 'RC-AQ-00001',
    Nom: 'Hounsa',
    Prénom: 'Awa',
    Sexe: 'F',
    Téléphone: '01 97 12 34 56',
    'Aire sanitaire': 'Godomey Centre',
    'Date de début': '01/03/2021',
    'Date de fin': '',
    ...cells,
  },
})

test('a good row: aire found by name whatever the accents and case, phone and dates normalised', () => {
  const { rcs, problems } = checkRoster([row(2, {})], AIRES)
  expect(problems).toEqual([])
  expect(rcs[0]).toMatchObject({ code: 'RC-AQ-00001', sex: 'F', phone: '+2290197123456', start: '2021-03-01' })
  expect(rcs[0]?.aire.id).toBe('asGodomey01')
  expect(rcOrgUnit(rcs[0]!)).toMatchObject({
    code: 'RC-AQ-00001',
    name: 'RC Awa Hounsa',
    parent: { id: 'asGodomey01' },
    openingDate: '2021-03-01T00:00:00.000',
    closedDate: null,
  })
})

test('errors per line, in French, with the line number: unknown or ambiguous aire, duplicate, phone, dates', () => {
  const { rcs, problems } = checkRoster(
    [
      row(2, {}),
      row(3, { Code: 'RC-AQ-00003', 'Aire sanitaire': 'Nulle-Part' }),
      row(4, { Code: 'RC-AQ-00001' }),
      row(5, { Code: 'RC-AQ-00005', Téléphone: '12 34' }),
      row(6, { Code: 'RC-AQ-00006', 'Date de fin': '2020-01-01' }),
      row(7, { Code: 'RC-AQ-00007', 'Aire sanitaire': 'Tori' }),
      row(8, { Code: 'RC-AQ-00008', 'Aire sanitaire': 'AS-BO-02-01', Sexe: 'X', 'Date de début': '31/02/2021' }),
    ],
    AIRES,
  )
  expect(rcs.map((r) => r.line)).toEqual([2])
  expect(problems.map((p) => `${p.line}: ${p.fr}`)).toEqual([
    '3: aire sanitaire « Nulle-Part » inconnue dans DHIS2',
    '4: code RC-AQ-00001 en double (déjà à la ligne 2)',
    '5: téléphone « 12 34 » invalide (01 et 8 chiffres, avec ou sans +229)',
    '6: date de fin 2020-01-01 avant la date de début 2021-03-01',
    '7: aire sanitaire « Tori » ambiguë (2 aires de ce nom) : donnez son code',
    '8: sexe « X » invalide (M ou F)',
    '8: date de début « 31/02/2021 » invalide (AAAA-MM-JJ ou JJ/MM/AAAA)',
  ])
})

test('columns, dates, phones and activity', () => {
  expect(missingColumns(['CODE', 'nom', 'Prenom', 'sexe', 'telephone', 'Aire', 'Début'])).toEqual([])
  expect(missingColumns(['code', 'nom'])).toEqual(['firstName', 'sex', 'phone', 'aire', 'start'])
  expect(parseDay('2024-02-29')).toBe('2024-02-29')
  expect(parseDay('29/02/2023')).toBeUndefined()
  expect(parsePhone('+229 97 12 34 56')).toBe('+22997123456')
  expect(parsePhone('00229 01 97 12 34 56')).toBe('+2290197123456')
  expect(parsePhone('0197')).toBeUndefined()
  expect(isActive({ start: '2021-01-01' }, '2026-10-01')).toBe(true)
  expect(isActive({ start: '2021-01-01', end: '2026-09-30' }, '2026-10-01')).toBe(false)
  expect(isActive({ start: '2026-11-01' }, '2026-10-01')).toBe(false)
})
