// The data set's compulsory boxes (DHIS2 `compulsoryDataElementOperands`): which boxes are required, and which of
// them are still empty when the RC completes. Pure.
import { cellKey, type DataSetMeta } from '../metadata/types'

/** One requirement: the boxes that satisfy it (any one of them filled) — one box, or all of an element's. */
interface Requirement {
  keys: string[]
}

function requirements(dataSet: DataSetMeta): Requirement[] {
  const elements = new Map(dataSet.sections.flatMap((s) => s.dataElements).map((e) => [e.id, e]))
  return (dataSet.compulsoryDataElementOperands ?? []).flatMap((operand) => {
    const element = elements.get(operand.dataElement.id)
    // An operand of an element that is not in the form cannot be typed here; DHIS2 will say so on completion.
    if (!element) return []
    const combo = operand.categoryOptionCombo?.id
    const keys = combo
      ? [cellKey(element.id, combo)]
      : element.categoryCombo.categoryOptionCombos.map((c) => cellKey(element.id, c.id))
    return [{ keys }]
  })
}

/** Every box that is (or is part of) a compulsory operand, by cell key. */
export function requiredCells(dataSet: DataSetMeta): Set<string> {
  return new Set(requirements(dataSet).flatMap((r) => r.keys))
}

/**
 * The compulsory operands left empty, each named by its first box (the one to type in), in the form's order
 * (`order`: the form's cell keys, cellLabels).
 */
export function emptyRequired(
  dataSet: DataSetMeta,
  values: ReadonlyMap<string, string>,
  order: readonly string[],
): string[] {
  const filled = (key: string) => (values.get(key) ?? '').trim() !== ''
  const first = new Set(
    requirements(dataSet)
      .filter((r) => !r.keys.some(filled))
      .map((r) => r.keys[0]!),
  )
  return order.filter((key) => first.has(key))
}
