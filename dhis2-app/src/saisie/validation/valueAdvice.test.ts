import { validateValue } from '../../shared/mappings'
import { numberProblem } from './valueAdvice'

describe('numberProblem: the first thing to fix in a number DHIS2 would refuse', () => {
  it.each([
    ['INTEGER_ZERO_OR_POSITIVE', '2.5', { kind: 'decimals' }],
    ['INTEGER_ZERO_OR_POSITIVE', '-3', { kind: 'negative' }],
    ['INTEGER_ZERO_OR_POSITIVE', ' 12', { kind: 'spaces', suggestion: '12' }],
    ['INTEGER_ZERO_OR_POSITIVE', '1 250', { kind: 'spaces', suggestion: '1250' }],
    ['INTEGER_ZERO_OR_POSITIVE', '012', { kind: 'leading-zeros', suggestion: '12' }],
    ['INTEGER_ZERO_OR_POSITIVE', '12.', { kind: 'write-as', suggestion: '12' }],
    ['INTEGER_ZERO_OR_POSITIVE', '1e3', { kind: 'not-a-number' }],
    ['INTEGER_ZERO_OR_POSITIVE', 'O', { kind: 'not-a-number' }],
    ['INTEGER_ZERO_OR_POSITIVE', '2147483648', { kind: 'too-large', max: 2147483647 }],
    ['INTEGER_POSITIVE', '0', { kind: 'zero' }],
    ['INTEGER_NEGATIVE', '4', { kind: 'not-negative' }],
    ['INTEGER', '-2147483649', { kind: 'too-small', min: -2147483648 }],
    ['NUMBER', '2,5', { kind: 'decimal-comma', suggestion: '2.5' }],
    ['NUMBER', '.5', { kind: 'write-as', suggestion: '0.5' }],
    ['NUMBER', '+1.5', { kind: 'plus-sign', suggestion: '1.5' }],
    ['PERCENTAGE', '120', { kind: 'percentage' }],
    ['UNIT_INTERVAL', '1.5', { kind: 'unit-interval' }],
  ] as const)('%s « %s »', (type, value, problem) => {
    expect(numberProblem(type, value)).toEqual(problem)
  })

  it('never finds fault with what DHIS2 takes, and explains what it refuses in most cases', () => {
    const types = [
      'INTEGER',
      'INTEGER_POSITIVE',
      'INTEGER_NEGATIVE',
      'INTEGER_ZERO_OR_POSITIVE',
      'NUMBER',
      'PERCENTAGE',
      'UNIT_INTERVAL',
    ] as const
    const samples = [
      '0',
      '7',
      '-7',
      '0.5',
      '-0.25',
      '100',
      '2147483647',
      '2,5',
      ' 3',
      '3 000',
      '007',
      '+4',
      '.5',
      '5.',
      '1e3',
      'x',
      '-',
      '101',
      '1.5',
      '2147483648',
      '-2147483649',
      '12abc',
    ]
    let refused = 0
    let explained = 0
    for (const type of types)
      for (const value of samples) {
        const problem = numberProblem(type, value)
        if (validateValue(type, value) === null)
          expect({ type, value, problem }).toEqual({ type, value, problem: undefined })
        else {
          refused++
          if (problem) explained++
        }
      }
    expect(explained / refused).toBeGreaterThan(0.9)
    expect(numberProblem('TEXT', '2,5')).toBeUndefined()
  })
})
