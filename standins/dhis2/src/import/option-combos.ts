/**
 * Category option combos as DHIS2 2.41 aligns them (`DefaultCategoryOptionComboGenerateService.addAndPruneOptionCombo`,
 * run by `POST /api/maintenance/categoryOptionComboUpdate`; a metadata import does not run it): for each combo, one
 * option combo per combination of its categories' options. A missing one is added with a new UID; a persisted one
 * whose options match keeps its UID and takes the generated name; one that matches nothing is deleted, unless data
 * values use it (DeleteNotAllowedException: it stays, reported as ignored). Pure: metadata in, changes out.
 */
import type { Category, CategoryCombo, CategoryOption, CategoryOptionCombo } from '@relais/mappings'

export interface OptionComboChanges {
  added: CategoryOptionCombo[]
  renamed: Array<{ id: string; name: string }>
  deleted: string[]
  /** Obsolete but holding data values: kept. */
  kept: string[]
}

interface Metadata {
  categoryCombos: readonly CategoryCombo[]
  categories: readonly Category[]
  categoryOptions: readonly CategoryOption[]
  categoryOptionCombos: readonly CategoryOptionCombo[]
}

const keyOf = (options: readonly { id: string }[]) =>
  options
    .map((o) => o.id)
    .sort()
    .join(',')

/** Every combination of one option per category, in category order (CombinationGenerator). */
function combinations(lists: readonly (readonly string[])[]): string[][] {
  return lists.reduce<string[][]>((acc, list) => acc.flatMap((prefix) => list.map((id) => [...prefix, id])), [[]])
}

export function alignOptionCombos(
  metadata: Metadata,
  inUse: ReadonlySet<string>,
  newUid: () => string,
  now: string,
  only?: string,
): OptionComboChanges {
  const categories = new Map(metadata.categories.map((c) => [c.id, c]))
  const optionName = new Map(metadata.categoryOptions.map((o) => [o.id, o.name]))
  const changes: OptionComboChanges = { added: [], renamed: [], deleted: [], kept: [] }
  for (const combo of metadata.categoryCombos) {
    if (only !== undefined && combo.id !== only) continue
    const lists = combo.categories
      .map((ref) => categories.get(ref.id)?.categoryOptions.map((o) => o.id) ?? [])
      .filter((list) => list.length > 0)
    const generated = lists.length === 0 ? [] : combinations(lists)
    const wanted = new Map(generated.map((ids) => [keyOf(ids.map((id) => ({ id }))), ids]))
    const persisted = metadata.categoryOptionCombos.filter((coc) => coc.categoryCombo.id === combo.id)
    const have = new Set<string>()
    for (const coc of persisted) {
      const key = keyOf(coc.categoryOptions)
      const ids = wanted.get(key)
      if (ids) {
        have.add(key)
        const name = ids.map((id) => optionName.get(id) ?? id).join(', ')
        if (coc.name !== name) changes.renamed.push({ id: coc.id, name })
      } else if (inUse.has(coc.id)) changes.kept.push(coc.id)
      else changes.deleted.push(coc.id)
    }
    for (const [key, ids] of wanted) {
      if (have.has(key)) continue
      const name = ids.map((id) => optionName.get(id) ?? id).join(', ')
      changes.added.push({
        id: newUid(),
        name,
        created: now,
        lastUpdated: now,
        categoryCombo: { id: combo.id },
        categoryOptions: ids.map((id) => ({ id })),
        ignoreApproval: false,
      })
    }
  }
  return changes
}
