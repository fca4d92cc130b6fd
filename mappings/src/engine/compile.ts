/**
 * The compiler: spec + metadata snapshot (+ now) → a mapper. Everything that depends only on the spec
 * and the metadata is resolved here, once: codes to UIDs, option combos, expressions into closures, the
 * org-unit and period resolvers, the validation rules. Codes the metadata does not know are compile
 * errors, all listed at once with their spec line — this is how Relais notices mapping drift after a
 * DHIS2 metadata change.
 */
import type { DataElement, DataSet, MetadataSnapshot } from '../dhis2/metadata'
import { MetadataIndex } from '../dhis2/metadata-index'
import { createDataValueValidator, type DataValueRuleOptions, type DataValueRuleUser } from '../dhis2/data-value-rules'
import { closest, formatPath, type Bilingual, type SpecError, type SpecPath } from '../spec/errors'
import { loadSpec, type LoadedSpec } from '../spec/load'
import type { MappingSpec } from '../spec/schema'
import { compileExpression, type CompiledExpression, type ExpressionProblem } from './expressions'
import { createMapper, type CompiledValue } from './mapper'
import { compileOrgUnitResolver } from './org-units'
import { periodResolver } from './source-periods'
import { fold } from './text'
import type { HistoryLookup, Mapper } from './types'
import { compileValidationRules } from './validation-rules'

export interface CompileOptions {
  /** DHIS2 server-local now (`2026-10-05T09:00:00` or `2026-10-05`): decides open and expired periods. */
  now: string
  /** Past values of the org unit, for outlier warnings; without it no outlier check is made. */
  history?: HistoryLookup
  /** Who will import: by default a user capturing data for the whole hierarchy, without F_EDIT_EXPIRED. */
  user?: DataValueRuleUser
  /**
   * The import options to validate with. By default the strict ones, so that a value DHIS2 would store
   * in the wrong place (an option combo of another combo, an org unit outside the data set) is an error.
   */
  importOptions?: DataValueRuleOptions
}

export const STRICT_IMPORT_OPTIONS: DataValueRuleOptions = {
  strictPeriods: true,
  strictDataElements: true,
  strictCategoryOptionCombos: true,
  strictAttributeOptionCombos: true,
  strictOrganisationUnits: true,
}

export type CompileResult =
  { ok: true; mapper: Mapper; warnings: SpecError[] } | { ok: false; errors: SpecError[]; warnings: SpecError[] }

/** Compiles a spec (as loaded from YAML, for line numbers, or a plain object) against metadata. */
export function compileSpec(
  input: LoadedSpec | MappingSpec,
  metadata: MetadataSnapshot | MetadataIndex,
  options: CompileOptions,
): CompileResult {
  const loaded: LoadedSpec = 'locate' in input ? input : { spec: input, locate: () => undefined }
  const { spec, locate } = loaded
  const index = metadata instanceof MetadataIndex ? metadata : new MetadataIndex(metadata)
  const errors: SpecError[] = []
  const warnings: SpecError[] = []
  const report = (list: SpecError[], code: string, path: SpecPath, message: Bilingual, hint?: Bilingual) => {
    const pos = locate(path)
    list.push({
      code,
      path: formatPath(path),
      line: pos?.line,
      column: pos?.column,
      message,
      ...(hint ? { hint } : {}),
    })
  }
  const objects = index.objects
  const suggest = closest
  const codesOf = (items: { code?: string }[]) => items.flatMap((i) => (i.code === undefined ? [] : [i.code]))

  // Target data set.
  const target = spec.target
  const dataSet = objects.dataSets.byCode.get(target.dataSet) ?? objects.dataSets.byId.get(target.dataSet)
  if (!dataSet) {
    report(
      errors,
      'DATA_SET_UNKNOWN',
      ['target', 'dataSet'],
      {
        en: `no data set has the code or UID \`${target.dataSet}\``,
        fr: `aucun jeu de données n’a le code ou l’UID \`${target.dataSet}\``,
      },
      suggest(target.dataSet, codesOf(index.snapshot.dataSets)),
    )
  } else if (target.periodType !== undefined && target.periodType !== dataSet.periodType) {
    report(
      errors,
      'PERIOD_TYPE_MISMATCH',
      ['target', 'periodType'],
      {
        en: `the spec expects ${target.periodType} periods but ${target.dataSet} is now ${dataSet.periodType}`,
        fr: `la spécification attend des périodes ${target.periodType} mais ${target.dataSet} est maintenant ${dataSet.periodType}`,
      },
      {
        en: `check the period field, then write \`periodType: ${dataSet.periodType}\``,
        fr: `vérifiez le champ de période, puis écrivez \`periodType: ${dataSet.periodType}\``,
      },
    )
  }

  let aocId = index.defaultCategoryOptionComboId
  if (target.attributeOptionCombo !== undefined) {
    const aoc =
      objects.categoryOptionCombos.byCode.get(target.attributeOptionCombo) ??
      objects.categoryOptionCombos.byId.get(target.attributeOptionCombo)
    if (!aoc) {
      report(errors, 'ATTRIBUTE_OPTION_COMBO_UNKNOWN', ['target', 'attributeOptionCombo'], {
        en: `no option combo has the code or UID \`${target.attributeOptionCombo}\``,
        fr: `aucune combinaison d’options n’a le code ou l’UID \`${target.attributeOptionCombo}\``,
      })
    } else aocId = aoc.id
  }

  // Org units.
  const { resolver, problems: aliasProblems } = compileOrgUnitResolver(spec.orgUnit, index, dataSet?.id ?? '')
  for (const { alias, target: aliasTarget } of aliasProblems) {
    report(
      errors,
      'ORG_UNIT_ALIAS_UNKNOWN',
      ['orgUnit', 'aliases', alias],
      {
        en: `the alias \`${alias}\` points to \`${aliasTarget}\`, which no org unit has as code or UID`,
        fr: `l’alias \`${alias}\` pointe vers \`${aliasTarget}\`, qu’aucune unité d’organisation n’a pour code ou UID`,
      },
      suggest(aliasTarget, codesOf(index.snapshot.organisationUnits)),
    )
  }

  // Values.
  const blankTokens = new Set(spec.defaults.blankTokens.map(fold))
  const compiled: CompiledValue[] = []
  const expressionProblems: ExpressionProblem[] = []
  const seen = new Map<string, number>()
  const dataSetElements = new Set(dataSet?.dataSetElements.map((e) => e.dataElement.id) ?? [])
  spec.values.forEach((rule, i) => {
    const path = ['values', i]
    const element: DataElement | undefined =
      objects.dataElements.byCode.get(rule.dataElement) ?? objects.dataElements.byId.get(rule.dataElement)
    if (!element) {
      report(
        errors,
        'DATA_ELEMENT_UNKNOWN',
        [...path, 'dataElement'],
        {
          en: `no data element has the code or UID \`${rule.dataElement}\``,
          fr: `aucun élément de données n’a le code ou l’UID \`${rule.dataElement}\``,
        },
        suggest(rule.dataElement, codesOf(index.snapshot.dataElements)),
      )
      return
    }
    if (dataSet && !dataSetElements.has(element.id)) {
      report(errors, 'DATA_ELEMENT_NOT_IN_DATA_SET', [...path, 'dataElement'], {
        en: `\`${rule.dataElement}\` is not (or no longer) in the data set ${target.dataSet}`,
        fr: `\`${rule.dataElement}\` n’est pas (ou plus) dans le jeu de données ${target.dataSet}`,
      })
    }
    const comboId = index.categoryComboOf(element, dataSet)
    const combo = objects.categoryCombos.byId.get(comboId)
    const allowed = (combo?.categoryOptionCombos ?? []).map((c) => objects.categoryOptionCombos.byId.get(c.id))
    const allowedCodes = allowed.flatMap((c) => (c ? [c.code ?? c.id] : []))
    let cocId = index.defaultCategoryOptionComboId
    const cocRef = rule.categoryOptionCombo
    if (cocRef !== undefined) {
      const coc = objects.categoryOptionCombos.byCode.get(cocRef) ?? objects.categoryOptionCombos.byId.get(cocRef)
      if (!coc) {
        report(
          errors,
          'CATEGORY_OPTION_COMBO_UNKNOWN',
          [...path, 'categoryOptionCombo'],
          {
            en: `no option combo has the code or UID \`${cocRef}\``,
            fr: `aucune combinaison d’options n’a le code ou l’UID \`${cocRef}\``,
          },
          suggest(cocRef, allowedCodes),
        )
        return
      }
      cocId = coc.id
    }
    if (!index.comboHasOptionCombo(comboId, cocId)) {
      const list = allowedCodes.map((c) => `\`${c}\``).join(', ')
      report(
        errors,
        'CATEGORY_OPTION_COMBO_NOT_IN_COMBO',
        [...path, cocRef === undefined ? 'dataElement' : 'categoryOptionCombo'],
        {
          en: `\`${cocRef ?? 'default'}\` is not an option combo of ${rule.dataElement} (combo ${combo?.code ?? comboId})`,
          fr: `\`${cocRef ?? 'default'}\` n’est pas une combinaison d’options de ${rule.dataElement} (combinaison ${combo?.code ?? comboId})`,
        },
        {
          en: `write \`categoryOptionCombo:\` one of ${list}`,
          fr: `écrivez \`categoryOptionCombo:\` avec l’une de ${list}`,
        },
      )
      return
    }
    const key = `${element.id}.${cocId}`
    const previous = seen.get(key)
    if (previous !== undefined) {
      report(errors, 'DUPLICATE_VALUE_TARGET', path, {
        en: `${rule.dataElement} / ${cocRef ?? 'default'} is already mapped by values[${previous}]`,
        fr: `${rule.dataElement} / ${cocRef ?? 'default'} est déjà alimenté par values[${previous}]`,
      })
      return
    }
    seen.set(key, i)
    const cocCode = objects.categoryOptionCombos.byId.get(cocId)?.code ?? cocId
    const expression: CompiledExpression = compileExpression(
      rule,
      {
        valueType: element.valueType,
        blank: rule.blank ?? spec.defaults.blank,
        blankTokens,
        absentIsError: spec.source.absentField === 'error',
        truncate: rule.truncate,
        dataElement: element.code ?? element.id,
        categoryOptionCombo: cocCode,
      },
      path,
      expressionProblems,
    )
    compiled.push({
      element,
      dataElementId: element.id,
      categoryOptionComboId: cocId,
      origin: { field: fieldsOf(rule), dataElement: element.code ?? element.id, categoryOptionCombo: cocCode },
      expression,
    })
  })
  for (const problem of expressionProblems) {
    report(errors, 'VALUE_INVALID_FOR_TYPE', problem.path, problem.message, {
      en: 'write a value the data element accepts',
      fr: 'écrivez une valeur que l’élément de données accepte',
    })
  }

  // Disaggregations of the data set that no rule fills: not wrong, but often a forgotten column.
  if (dataSet)
    warnUnmapped(dataSet, index, seen, (message) => report(warnings, 'OPERAND_NOT_MAPPED', ['values'], message))

  // Validation rules.
  const ruleResult = compileValidationRules({
    index,
    dataSetId: dataSet?.id ?? '',
    periodType: dataSet?.periodType ?? '',
    selection: spec.validationRules,
    slots: compiled.map((c) => ({
      dataElementId: c.dataElementId,
      categoryOptionComboId: c.categoryOptionComboId,
      field: c.origin.field,
    })),
  })
  const ruleCodes = codesOf(index.snapshot.validationRules)
  for (const code of ruleResult.unknownCodes) {
    const at = Array.isArray(spec.validationRules) ? spec.validationRules.indexOf(code) : -1
    report(
      errors,
      'VALIDATION_RULE_UNKNOWN',
      ['validationRules', at],
      { en: `no validation rule has the code \`${code}\``, fr: `aucune règle de validation n’a le code \`${code}\`` },
      suggest(code, ruleCodes),
    )
  }
  for (const problem of ruleResult.problems) {
    const what: Record<typeof problem.reason, Bilingual> = {
      'unknown-item': {
        en: `refers to an unknown data element or option combo ${problem.detail}`,
        fr: `cite un élément ou une combinaison inconnus ${problem.detail}`,
      },
      unsupported: {
        en: `has an expression Relais cannot evaluate (${problem.detail})`,
        fr: `a une expression que Relais ne sait pas évaluer (${problem.detail})`,
      },
      'outside-data-set': {
        en: `uses data elements outside ${target.dataSet}`,
        fr: `utilise des éléments hors de ${target.dataSet}`,
      },
    }
    report(errors, 'VALIDATION_RULE_UNUSABLE', ['validationRules'], {
      en: `validation rule ${problem.rule} ${what[problem.reason].en}`,
      fr: `la règle de validation ${problem.rule} ${what[problem.reason].fr}`,
    })
  }

  if (errors.length > 0 || !dataSet) return { ok: false, errors, warnings }

  const user: DataValueRuleUser = options.user ?? {
    id: 'relaisBridge',
    username: 'relais-bridge',
    captureOrgUnitIds: index.snapshot.organisationUnits.filter((o) => o.parent === undefined).map((o) => o.id),
    authorities: [],
    isSuperuser: false,
  }
  const validator = createDataValueValidator({
    index,
    options: options.importOptions ?? STRICT_IMPORT_OPTIONS,
    user,
    now: options.now,
    context: { dataSet, raw: { dataSet: dataSet.id } },
  })
  const mapper = createMapper({
    spec,
    dataSet,
    attributeOptionComboId: aocId,
    values: compiled,
    orgUnits: resolver,
    periods: periodResolver(dataSet.periodType),
    validator,
    rules: ruleResult.rules,
    history: options.history,
  })
  return { ok: true, mapper, warnings }
}

function fieldsOf(rule: MappingSpec['values'][number]): string {
  if (rule.field !== undefined) return rule.field
  if (rule.sum !== undefined) return rule.sum.join('+')
  if (rule.lookup !== undefined) return rule.lookup.field
  if (rule.condition !== undefined) return rule.condition.if.field
  return '(constant)'
}

function warnUnmapped(
  dataSet: DataSet,
  index: MetadataIndex,
  seen: ReadonlyMap<string, number>,
  warn: (message: Bilingual) => void,
): void {
  for (const dse of dataSet.dataSetElements) {
    const element = index.objects.dataElements.byId.get(dse.dataElement.id)
    if (!element) continue
    const combo = index.objects.categoryCombos.byId.get(index.categoryComboOf(element, dataSet))
    const missing = (combo?.categoryOptionCombos ?? [])
      .filter((c) => !seen.has(`${element.id}.${c.id}`))
      .map((c) => index.objects.categoryOptionCombos.byId.get(c.id)?.code ?? c.id)
    if (missing.length === 0) continue
    const what = missing.length === combo?.categoryOptionCombos.length ? 'all' : missing.join(', ')
    warn({
      en: `${element.code ?? element.id} of the data set is not mapped (${what})`,
      fr: `${element.code ?? element.id} du jeu de données n’est pas alimenté (${what === 'all' ? 'tout' : what})`,
    })
  }
}

/** loadSpec then compileSpec: the YAML text of a spec → a mapper, or every error with its line. */
export function compileYaml(
  text: string,
  metadata: MetadataSnapshot | MetadataIndex,
  options: CompileOptions,
): CompileResult {
  const loaded = loadSpec(text)
  if (!loaded.ok) return { ok: false, errors: loaded.errors, warnings: [] }
  return compileSpec(loaded, metadata, options)
}
