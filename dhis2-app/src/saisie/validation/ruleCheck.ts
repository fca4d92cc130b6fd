import { compileValidationRules, type MetadataIndex, type SlotInfo, type SlotValues } from '../../shared/mappings'
import type { Language } from '../../shared/language'
import { cellKey, type DataSetMeta } from '../metadata/types'

export interface RuleViolation {
  rule: string
  importance: string
  message: string
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
  for (const { rule, check } of rules) {
    const issue = check(slotValues)
    if (issue)
      violations.push({ rule: rule.code ?? rule.id, importance: rule.importance, message: issue.message[language] })
  }
  return violations
}
