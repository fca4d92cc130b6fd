import { cellKey, type EntryMetadata } from '../metadata/types'
import { COC_DEFAULT, COC_M_15_24, DATA_SET, DE, OU_RC, RC_PATH, RULE_TDR_POS, SERVER_DATE } from '../testing/fixtures'
import { createCellCheck, createEntryIndex } from './entryValidator'
import { outlierOf } from './outliers'
import { checkRules, ruleWarnings } from './ruleCheck'
import { switchLanguage } from '../../shared/testing/switchLanguage'

const metadata: EntryMetadata = { dataSet: DATA_SET, rules: [RULE_TDR_POS], serverDate: SERVER_DATE, readAt: 0 }
const index = createEntryIndex(metadata, { id: OU_RC, path: RC_PATH, level: 5 })
const user = { id: 'usrRelais01', username: 'relais', organisationUnits: [{ id: OU_RC }] }
const check = createCellCheck(index, DATA_SET.id, OU_RC, user)
const cell = (value: string, period = '202609', dataElement = DE.sens.id, optionCombo = COC_M_15_24) => ({
  dataElement,
  optionCombo,
  period,
  value,
})

describe('createCellCheck (the shared data-value rules)', () => {
  it('takes what DHIS2 takes', () => {
    expect(check(cell('12'), SERVER_DATE, 'en')).toBeNull()
    expect(check(cell(''), SERVER_DATE, 'en')).toBeNull() // clearing a cell deletes the value
    expect(check(cell('true', '202609', DE.rupture.id, COC_DEFAULT), SERVER_DATE, 'en')).toBeNull()
  })

  it('says what exactly is wrong with a number, and what to type instead, in English or French', async () => {
    const says = (value: string, language: 'en' | 'fr' = 'en') => check(cell(value), SERVER_DATE, language)
    expect(says('1.5')).toBe('A whole number is expected here, without decimals.')
    expect(says('2,5')).toBe('A whole number is expected here, without decimals.')
    expect(says('-1')).toBe('This number cannot be negative.')
    expect(says('douze')).toBe('Type a number with digits only, for example 12.')
    expect(says('3 000')).toBe('Remove the spaces and type 3000.')
    expect(says('007')).toBe('Remove the zeros in front and type 7.')
    expect(says('+4')).toBe('Remove the + sign and type 4.')
    expect(says('5,0')).toBe('Type it 5.')
    expect(says('99999999999')).toBe('This number is too large (at most 2,147,483,647).')
    // A type the advice does not know: DHIS2's own sentence.
    expect(check(cell('peut-être', '202609', DE.rupture.id, COC_DEFAULT), SERVER_DATE, 'en')).toBe(
      'The value must be true or false.',
    )
    await switchLanguage('fr')
    try {
      expect(says('-1', 'fr')).toBe('Ce nombre ne peut pas être négatif.')
      expect(says('99999999999', 'fr')).toBe('Ce nombre est trop grand : au plus 2\u202f147\u202f483\u202f647.')
    } finally {
      await switchLanguage('en')
    }
  })

  it('refuses a closed month and a month not open yet, as DHIS2 does', () => {
    expect(check(cell('3', '202608'), SERVER_DATE, 'en')).toBe('This month is closed; it can no longer be changed.')
    expect(check(cell('3', '202610'), SERVER_DATE, 'en')).toBe('This month is not open for entry yet.')
  })

  it('refuses an RC outside the user hierarchy', () => {
    const stranger = createCellCheck(index, DATA_SET.id, OU_RC, { ...user, organisationUnits: [{ id: 'ouOther0001' }] })
    expect(stranger(cell('3'), SERVER_DATE, 'en')).toMatch(/not in hierarchy of current user/)
  })
})

describe('checkRules', () => {
  const values = (tdr: string, pos: string) =>
    new Map([
      [cellKey(DE.tdr.id, COC_DEFAULT), tdr],
      [cellKey(DE.tdrPos.id, COC_DEFAULT), pos],
    ])

  it('passes a report that keeps the rules, or that leaves the rule empty', () => {
    expect(checkRules(index, DATA_SET, values('8', '5'), 'en')).toEqual([])
    expect(checkRules(index, DATA_SET, new Map(), 'en')).toEqual([])
  })

  it("reports a broken rule with the rule's message in the user's language", () => {
    expect(checkRules(index, DATA_SET, values('5', '8'), 'en')).toEqual([
      {
        rule: 'VR_TDR_POS',
        importance: 'HIGH',
        message:
          'Validation rule "Positive RDTs ≤ RDTs performed" violated (8 ≤ 5 is false). Positive RDTs cannot exceed RDTs performed.',
        cells: [cellKey(DE.tdrPos.id, COC_DEFAULT), cellKey(DE.tdr.id, COC_DEFAULT)],
        typed: true,
      },
    ])
    expect(checkRules(index, DATA_SET, values('5', '8'), 'fr')[0]?.message).toBe(
      'Règle de validation « TDR positifs ≤ TDR réalisés » non respectée (8 ≤ 5 est faux). Les TDR positifs ne peuvent pas dépasser les TDR réalisés.',
    )
  })

  it('counts a missing right side as 0 (NEVER_SKIP), as DHIS2 does, but says it on the boxes only once typed', () => {
    const broken = checkRules(index, DATA_SET, values('', '2'), 'en')
    expect(broken).toMatchObject([{ rule: 'VR_TDR_POS', typed: false }])
    expect(ruleWarnings(broken, values('', '2')).size).toBe(0)
    const typed = checkRules(index, DATA_SET, values('1', '2'), 'en')
    expect([...ruleWarnings(typed, values('1', '2')).keys()]).toEqual([
      cellKey(DE.tdrPos.id, COC_DEFAULT),
      cellKey(DE.tdr.id, COC_DEFAULT),
    ])
  })
})

describe('outlierOf', () => {
  const history = [10, 11, 12, 10, 11, 12, 10, 11, 12, 10, 11, 12]
  it('asks about a value far above the history, with its range, and not about one within it', () => {
    expect(outlierOf('95', history)).toEqual({ basis: 'history', low: 10, high: 12, months: 12 })
    expect(outlierOf('13', history)).toBeUndefined()
  })
  it('never asks about a number the RC reached before, nor a small one', () => {
    // Mostly 1 and 2 with one month at 32: 10 is far from the median but not unusual for this RC.
    expect(outlierOf('10', [1, 2, 1, 2, 32, 1, 2, 1])).toBeUndefined()
    expect(outlierOf('40', [1, 2, 1, 2, 32, 1, 2, 1])).toMatchObject({ high: 32 })
    // 6 after months of 0 and 1: a good month.
    expect(outlierOf('6', [0, 1, 0, 0, 1, 0, 1, 0])).toBeUndefined()
  })
  it("uses DHIS2's min–max range of the box when there is one, in both directions, never for small numbers", () => {
    const range = { min: 20, max: 60 }
    // Within the RC's history yet above the range a data manager set: asked.
    expect(outlierOf('70', [65, 70, 80], range)).toEqual({ basis: 'min-max', low: 20, high: 60 })
    expect(outlierOf('12', history, range)).toEqual({ basis: 'min-max', low: 20, high: 60 })
    expect(outlierOf('95', history, { min: 0, max: 100 })).toBeUndefined()
    expect(outlierOf('4', history, range)).toBeUndefined()
    expect(outlierOf('70', undefined, range)).toMatchObject({ basis: 'min-max' })
  })
  it('says nothing without history or number', () => {
    expect(outlierOf('95', undefined)).toBeUndefined()
    expect(outlierOf('abc', history)).toBeUndefined()
  })
})
