/**
 * The data set's validation rules from the metadata snapshot, compiled into closures over one record's
 * values. Expressions are DHIS2's: `#{dataElementUid}` (the total over option combos),
 * `#{dataElementUid.cocUid}`, numbers, + − × ÷ and parentheses — enough for every rule the programme
 * has; an expression outside this subset is a compile error, never a silently skipped rule.
 * Missing values follow each side's missingValueStrategy (skip the rule, or count them as 0).
 */
import type { ValidationRule } from '../dhis2/metadata'
import type { MetadataIndex } from '../dhis2/metadata-index'
import type { Bilingual } from '../spec/errors'
import { mappingIssue, type MappingIssue } from './issues'
import { formatNumber } from './numbers'

/** One record's numeric values, by slot (one slot per mapped data element + option combo). */
export interface SlotValues {
  numbers: Float64Array
  present: Uint8Array
  /** 1 where the source value was refused: a rule reading it cannot be judged, so it is not checked. */
  failed: Uint8Array
}

export interface SlotInfo {
  dataElementId: string
  categoryOptionComboId: string
  field: string
}

interface Side {
  /** Value, or null when the expression cannot be computed (division by zero). */
  evaluate: (values: SlotValues) => number | null
  /** Slot lists of each operand: an operand is missing when none of its slots has a value. */
  operands: number[][]
  strategy: ValidationRule['leftSide']['missingValueStrategy']
  fields: string[]
  /** Every slot the side reads. */
  slots: number[]
}

export interface CompiledValidationRule {
  rule: ValidationRule
  check: (values: SlotValues) => MappingIssue | undefined
  /** The rule's operands, each as the slots it reads (an element without option combo reads all of them). */
  operands: number[][]
}

export type RuleProblem = { rule: string; reason: 'unknown-item' | 'unsupported' | 'outside-data-set'; detail: string }

type Node = (values: SlotValues) => number | null

class Parser {
  private pos = 0
  readonly operands: number[][] = []
  readonly items: string[] = []
  constructor(
    private readonly text: string,
    private readonly slotsOf: (de: string, coc?: string) => number[] | undefined,
  ) {}

  parse(): Node {
    const node = this.sum()
    this.space()
    if (this.pos < this.text.length) throw new Error(`unexpected \`${this.text.slice(this.pos)}\``)
    return node
  }

  private space() {
    while (this.text[this.pos] === ' ') this.pos++
  }

  private sum(): Node {
    let left = this.product()
    for (;;) {
      this.space()
      const op = this.text[this.pos]
      if (op !== '+' && op !== '-') return left
      this.pos++
      const a = left
      const b = this.product()
      left = op === '+' ? (v) => add(a(v), b(v), 1) : (v) => add(a(v), b(v), -1)
    }
  }

  private product(): Node {
    let left = this.factor()
    for (;;) {
      this.space()
      const op = this.text[this.pos]
      if (op !== '*' && op !== '/') return left
      this.pos++
      const a = left
      const b = this.factor()
      left =
        op === '*'
          ? (v) => {
              const x = a(v)
              const y = b(v)
              return x === null || y === null ? null : x * y
            }
          : (v) => {
              const x = a(v)
              const y = b(v)
              return x === null || y === null || y === 0 ? null : x / y
            }
    }
  }

  private factor(): Node {
    this.space()
    const rest = this.text.slice(this.pos)
    if (rest.startsWith('(')) {
      this.pos++
      const inner = this.sum()
      this.space()
      if (this.text[this.pos] !== ')') throw new Error('missing `)`')
      this.pos++
      return inner
    }
    if (rest.startsWith('-')) {
      this.pos++
      const inner = this.factor()
      return (v) => {
        const x = inner(v)
        return x === null ? null : -x
      }
    }
    const number = /^\d+(\.\d+)?/.exec(rest)
    if (number) {
      this.pos += number[0].length
      const value = Number(number[0])
      return () => value
    }
    const item = /^#\{([A-Za-z][A-Za-z0-9]{10})(?:\.([A-Za-z][A-Za-z0-9]{10}))?\}/.exec(rest)
    if (item) {
      this.pos += item[0].length
      const slots = this.slotsOf(item[1] ?? '', item[2])
      if (slots === undefined) throw new UnknownItem(item[0])
      this.operands.push(slots)
      this.items.push(item[0])
      return (v) => {
        let total = 0
        for (const s of slots) if (v.present[s] === 1) total += v.numbers[s] ?? 0
        return total
      }
    }
    throw new Error(`unsupported syntax at \`${rest.slice(0, 20)}\``)
  }
}

class UnknownItem extends Error {}

const add = (x: number | null, y: number | null, sign: number) => (x === null || y === null ? null : x + sign * y)

const OPERATORS: Record<ValidationRule['operator'], { test: (a: number, b: number) => boolean; symbol: string }> = {
  equal_to: { test: (a, b) => a === b, symbol: '=' },
  not_equal_to: { test: (a, b) => a !== b, symbol: '≠' },
  greater_than: { test: (a, b) => a > b, symbol: '>' },
  greater_than_or_equal_to: { test: (a, b) => a >= b, symbol: '≥' },
  less_than: { test: (a, b) => a < b, symbol: '<' },
  less_than_or_equal_to: { test: (a, b) => a <= b, symbol: '≤' },
}

function skipSide(side: Side, values: SlotValues): boolean {
  if (side.strategy === 'NEVER_SKIP' || side.operands.length === 0) return false
  let missing = 0
  for (const slots of side.operands) if (!slots.some((s) => values.present[s] === 1)) missing++
  return side.strategy === 'SKIP_IF_ANY_VALUE_MISSING' ? missing > 0 : missing === side.operands.length
}

function anyFailed(side: Side, values: SlotValues): boolean {
  for (const s of side.slots) if (values.failed[s] === 1) return true
  return false
}

function translation(rule: ValidationRule, property: 'NAME' | 'DESCRIPTION'): string | undefined {
  return rule.translations?.find((t) => t.property === property && t.locale.startsWith('en'))?.value
}

/**
 * Compiles the rules: `selection` is the spec's `validationRules` (all of the data set's, none, or codes).
 * Rules whose data elements are not all in the data set are left out of `all` (they concern other data).
 */
export function compileValidationRules(args: {
  index: MetadataIndex
  dataSetId: string
  periodType: string
  selection: 'all' | 'none' | string[]
  slots: readonly SlotInfo[]
}): { rules: CompiledValidationRule[]; problems: RuleProblem[]; unknownCodes: string[] } {
  const { index, selection, slots } = args
  if (selection === 'none') return { rules: [], problems: [], unknownCodes: [] }
  const dataSet = index.objects.dataSets.byId.get(args.dataSetId)
  const inDataSet = new Set(dataSet?.dataSetElements.map((e) => e.dataElement.id) ?? [])
  const unknownCodes: string[] = []
  let candidates: ValidationRule[]
  if (selection === 'all') {
    candidates = index.snapshot.validationRules.filter((r) => r.periodType === args.periodType)
  } else {
    candidates = []
    for (const code of selection) {
      const rule = index.objects.validationRules.byCode.get(code) ?? index.objects.validationRules.byId.get(code)
      if (rule) candidates.push(rule)
      else unknownCodes.push(code)
    }
  }

  const problems: RuleProblem[] = []
  const rules: CompiledValidationRule[] = []
  for (const rule of candidates) {
    const code = rule.code ?? rule.id
    let outside = false
    const slotsOf = (de: string, coc?: string): number[] | undefined => {
      if (!index.objects.dataElements.byId.has(de)) return undefined
      if (coc !== undefined && !index.objects.categoryOptionCombos.byId.has(coc)) return undefined
      if (!inDataSet.has(de)) outside = true
      const found: number[] = []
      slots.forEach((s, i) => {
        if (s.dataElementId === de && (coc === undefined || s.categoryOptionComboId === coc)) found.push(i)
      })
      return found
    }
    const side = (s: ValidationRule['leftSide']): Side => {
      const parser = new Parser(s.expression, slotsOf)
      const evaluate = parser.parse()
      const fields = parser.operands.flatMap((list) => list.map((i) => slots[i]?.field ?? ''))
      return {
        evaluate,
        operands: parser.operands,
        strategy: s.missingValueStrategy,
        fields,
        slots: parser.operands.flat(),
      }
    }
    let left: Side
    let right: Side
    try {
      left = side(rule.leftSide)
      right = side(rule.rightSide)
    } catch (e) {
      const unknown = e instanceof UnknownItem
      problems.push({ rule: code, reason: unknown ? 'unknown-item' : 'unsupported', detail: (e as Error).message })
      continue
    }
    if (outside) {
      if (selection !== 'all') problems.push({ rule: code, reason: 'outside-data-set', detail: '' })
      continue
    }
    const operator = OPERATORS[rule.operator]
    const nameEn = translation(rule, 'NAME') ?? rule.name
    const instructionEn = translation(rule, 'DESCRIPTION') ?? rule.instruction ?? ''
    const fields = [...new Set([...left.fields, ...right.fields])].join(', ')
    rules.push({
      rule,
      operands: [...left.operands, ...right.operands],
      check(values) {
        if (anyFailed(left, values) || anyFailed(right, values)) return undefined
        if (skipSide(left, values) || skipSide(right, values)) return undefined
        const a = left.evaluate(values)
        const b = right.evaluate(values)
        if (a === null || b === null || operator.test(a, b)) return undefined
        const shown = `${formatNumber(a)} ${operator.symbol} ${formatNumber(b)}`
        const message: Bilingual = {
          fr: `Règle de validation « ${rule.name} » non respectée (${shown} est faux). ${rule.instruction ?? ''}`.trim(),
          en: `Validation rule "${nameEn}" violated (${shown} is false). ${instructionEn}`.trim(),
        }
        return mappingIssue('VALIDATION_RULE', message, { rule: code, field: fields, raw: shown })
      },
    })
  }
  return { rules, problems, unknownCodes }
}
