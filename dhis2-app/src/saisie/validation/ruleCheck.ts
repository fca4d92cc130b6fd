import { compileValidationRules, type MetadataIndex, type SlotInfo, type SlotValues } from '../../shared/mappings'
import type { Language } from '../../shared/language'
import { cellKey, type DataSetMeta } from '../metadata/types'

export interface RuleViolation {
  rule: string
  importance: string
  message: string
  /** The boxes the rule reads (cell keys), for the boxes to say it. */
  cells: string[]
  /** Every operand of the rule has a value typed: the RC has entered both sides, so the boxes may say it now. */
  typed: boolean
}

/** Every cell of the form as a slot of the mappings engine (one per data element × option combo). */
export function formSlots(dataSet: DataSetMeta): SlotInfo[] {
  return dataSet.sections.flatMap((section) =>
    section.dataElements.flatMap((element) =>
      element.categoryCombo.categoryOptionCombos.map((coc) => ({
        dataElementId: element.id,
        categoryOptionComboId: coc.id,
        field: cellKey(element.id, coc.id),
      })),
    ),
  )
}

/**
 * The data set's validation rules over the report's values, with the rule's French or English message
 * — the same rule engine the bridge quarantines records with. Values that are not numbers are left to
 * the per-value check (a rule reading them is not judged).
 */
export function checkRules(
  index: MetadataIndex,
  dataSet: DataSetMeta,
  values: ReadonlyMap<string, string>,
  language: Language,
): RuleViolation[] {
  const slots = formSlots(dataSet)
  const { rules } = compileValidationRules({
    index,
    dataSetId: dataSet.id,
    periodType: dataSet.periodType,
    selection: 'all',
    slots,
  })
  const slotValues: SlotValues = {
    numbers: new Float64Array(slots.length),
    present: new Uint8Array(slots.length),
    failed: new Uint8Array(slots.length),
  }
  slots.forEach((slot, i) => {
    const raw = values.get(slot.field)?.trim() ?? ''
    if (raw === '') return
    const number = Number(raw)
    if (Number.isFinite(number)) {
      slotValues.numbers[i] = number
      slotValues.present[i] = 1
    } else slotValues.failed[i] = 1
  })
  const violations: RuleViolation[] = []
  for (const { rule, check, operands } of rules) {
    const issue = check(slotValues)
    if (issue)
      violations.push({
        rule: rule.code ?? rule.id,
        importance: rule.importance,
        message: issue.message[language],
        cells: [...new Set(operands.flat())].map((i) => slots[i]?.field ?? '').filter(Boolean),
        typed: operands.every((slotsOfOperand) => slotsOfOperand.some((i) => slotValues.present[i] === 1)),
      })
  }
  return violations
}

/**
 * What the boxes say while the RC types (issue 14 §2): a broken rule on each box it reads that holds a value, as
 * soon as every side of the rule is typed — « 8 positifs » before the number of tests is typed is not an error
 * yet. Completion still checks every rule (a side left empty may count as 0).
 */
export function ruleWarnings(violations: readonly RuleViolation[], values: ReadonlyMap<string, string>) {
  const warnings = new Map<string, string>()
  for (const v of violations) {
    if (!v.typed) continue
    for (const cell of v.cells)
      if ((values.get(cell) ?? '').trim() !== '' && !warnings.has(cell)) warnings.set(cell, v.message)
  }
  return warnings
}
