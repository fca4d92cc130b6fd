import { cellKey, type EntryMetadata } from '../metadata/types'
import { COC_DEFAULT, COC_M_15_24, DATA_SET, DE, OU_RC, RC_PATH, RULE_TDR_POS, SERVER_DATE } from '../testing/fixtures'
import { createCellCheck, createEntryIndex } from './entryValidator'
import { outlierOf } from './outliers'
import { checkRules } from './ruleCheck'

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

  it('refuses a wrong value type in English or French', () => {
    expect(check(cell('1.5'), SERVER_DATE, 'en')).toBe('The value must be zero or a whole number greater than zero.')
    expect(check(cell('-1'), SERVER_DATE, 'fr')).toBe('La valeur doit être zéro ou un nombre entier supérieur à zéro.')
    expect(check(cell('peut-être', '202609', DE.rupture.id, COC_DEFAULT), SERVER_DATE, 'en')).toBe(
      'The value must be true or false.',
    )
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
      },
    ])
    expect(checkRules(index, DATA_SET, values('5', '8'), 'fr')[0]?.message).toBe(
      'Règle de validation « TDR positifs ≤ TDR réalisés » non respectée (8 ≤ 5 est faux). Les TDR positifs ne peuvent pas dépasser les TDR réalisés.',
    )
  })

  it('counts a missing right side as 0 (NEVER_SKIP), as DHIS2 does', () => {
    expect(checkRules(index, DATA_SET, values('', '2'), 'en')).toHaveLength(1)
  })
})

describe('outlierOf', () => {
  const history = [10, 11, 12, 10, 11, 12, 10, 11, 12, 10, 11, 12]
  it('flags a value far above the history, and not one within it', () => {
    expect(outlierOf('95', history)).toMatchObject({ method: 'modified-z' })
    expect(outlierOf('13', history)).toBeUndefined()
  })
  it('says nothing without history or number', () => {
    expect(outlierOf('95', undefined)).toBeUndefined()
    expect(outlierOf('abc', history)).toBeUndefined()
  })
})
