/**
 * The compiled mapper: runs the precompiled pieces over one record — identity, required fields, org
 * unit, period, each value through the shared DHIS2 data-value rules, validation rules, outliers. Hot
 * path: no spec parsing, no metadata scans; typed arrays for the validation rules' operands are reused
 * between records (a mapper is synchronous, so one record at a time).
 */
import { compileCompletion, completionFields } from './completion'
import type { DataElement, DataSet } from '../dhis2/metadata'
import { dataValueRule, type DataValueConflict, type DataValueValidator } from '../dhis2/data-value-rules'
import { isNumericValueType, valueTypeErrorMessage, type ValueTypeError } from '../dhis2/value-types'
import type { MappingSpec } from '../spec/schema'
import { mapBatch } from './batch'
import type { CompiledExpression, IssueSink, SourceRecord } from './expressions'
import { mappingIssue, type MappingIssue } from './issues'
import type { OrgUnitResolver } from './org-units'
import { outlierScore } from './outliers'
import type { PeriodResolution } from './source-periods'
import { cellText, fold, isPrototypeName, ownField } from './text'
import type { DataValue, HistoryLookup, MapResult, Mapper, ValueOrigin } from './types'
import type { CompiledValidationRule, SlotValues } from './validation-rules'

export interface CompiledValue {
  element: DataElement
  dataElementId: string
  categoryOptionComboId: string
  origin: ValueOrigin
  expression: CompiledExpression
}

export interface MapperParts {
  spec: MappingSpec
  dataSet: DataSet
  attributeOptionComboId: string
  values: CompiledValue[]
  orgUnits: OrgUnitResolver
  periods: (text: string) => PeriodResolution
  validator: DataValueValidator
  rules: CompiledValidationRule[]
  history?: HistoryLookup
}

/** Conflicts that concern the whole record (its org unit or period): reported once, not once per value. */
const RECORD_LEVEL_CONFLICTS = new Set([
  'E7611',
  'E7612',
  'E7617',
  'E7632',
  'E7636',
  'E7638',
  'E7639',
  'E7640',
  'E7641',
])

export function createMapper(parts: MapperParts): Mapper {
  const { spec, dataSet, values, validator, rules, history } = parts
  const aoc = parts.attributeOptionComboId
  const read = (record: SourceRecord, field: string): string | undefined => {
    const text = cellText(isPrototypeName(field) ? ownField(record, field) : record[field])
    return text === undefined || text.trim() === '' ? undefined : text.trim()
  }
  const blankTokens = new Set(spec.defaults.blankTokens.map(fold))
  const isBlank = (text: string | undefined) => text === undefined || blankTokens.has(fold(text))
  const required = [...new Set([spec.orgUnit.field, spec.period.field, ...spec.required])]
  const known = fieldsUsedBy(spec)
  const ignored = spec.source.ignoreFields
  const slots: SlotValues = {
    numbers: new Float64Array(values.length),
    present: new Uint8Array(values.length),
    failed: new Uint8Array(values.length),
  }
  const numeric = values.map((v) => isNumericValueType(v.element.valueType))
  const completionOf = compileCompletion(spec.completion)
  const outlierOptions = spec.outliers

  function mapRecord(input: unknown): MapResult {
    const errors: MappingIssue[] = []
    const sink: IssueSink = { warnings: [] }
    const result: MapResult = { status: 'ok', dataValues: [], origins: [], errors, warnings: sink.warnings }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      errors.push(
        mappingIssue(
          'RECORD_NOT_AN_OBJECT',
          { fr: 'L’enregistrement n’est pas un objet de champs.', en: 'The record is not an object of fields.' },
          { raw: cellText(input) ?? 'null' },
        ),
      )
      result.status = 'invalid'
      return result
    }
    const record = input as SourceRecord

    const orgUnitText = read(record, spec.orgUnit.field)
    const periodText = read(record, spec.period.field)
    if (isBlank(orgUnitText) && isBlank(periodText) && isEmpty(record, blankTokens)) {
      sink.warnings.push(
        mappingIssue('EMPTY_RECORD', {
          fr: 'Ligne vide : rien à importer.',
          en: 'Empty row: nothing to import.',
        }),
      )
      result.status = 'empty'
      return result
    }

    identify(record, result)
    for (const field of required) {
      const text = read(record, field)
      if (isBlank(text)) {
        errors.push(
          mappingIssue(
            'REQUIRED_FIELD_BLANK',
            { fr: `Le champ obligatoire « ${field} » est vide.`, en: `The required field "${field}" is blank.` },
            { field, raw: text ?? '' },
          ),
        )
      }
    }

    let orgUnitId: string | undefined
    if (!isBlank(orgUnitText) && orgUnitText !== undefined) {
      const found = parts.orgUnits.resolve(orgUnitText)
      if (found.ok) {
        orgUnitId = found.orgUnit.id
        result.orgUnit = orgUnitId
        result.orgUnitCode = found.orgUnit.code ?? found.orgUnit.name
      } else errors.push(mappingIssue(found.code, found.message, { field: spec.orgUnit.field, raw: orgUnitText }))
    }
    let periodId: string | undefined
    if (!isBlank(periodText) && periodText !== undefined) {
      const found = parts.periods(periodText)
      if (found.ok) {
        periodId = found.period.id
        result.period = periodId
      } else errors.push(mappingIssue(found.code, found.message, { field: spec.period.field, raw: periodText }))
    }
    if (orgUnitId === undefined || periodId === undefined) {
      result.status = 'invalid'
      return result
    }

    slots.present.fill(0)
    slots.failed.fill(0)
    let reported: Set<string> | undefined
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as CompiledValue
      const cell = v.expression(record, sink)
      if (cell === undefined) continue
      if (typeof cell !== 'string') {
        errors.push(cell)
        slots.failed[i] = 1
        continue
      }
      const check = validator.check({
        dataElement: v.dataElementId,
        period: periodId,
        orgUnit: orgUnitId,
        categoryOptionCombo: v.categoryOptionComboId,
        attributeOptionCombo: aoc,
        value: cell,
      })
      if (!check.ok) {
        slots.failed[i] = 1
        const code = check.conflict.errorCode
        if (RECORD_LEVEL_CONFLICTS.has(code)) {
          reported ??= new Set()
          if (reported.has(code)) continue
          reported.add(code)
        }
        errors.push(
          conflictIssue(check.conflict, v, cell, spec, {
            orgUnit: orgUnitText,
            period: periodText,
            value: sourceText(record, v.origin.field),
          }),
        )
        continue
      }
      if (check.value === null) continue
      result.dataValues.push({
        dataElement: check.dataElement,
        period: check.period,
        orgUnit: check.orgUnit,
        categoryOptionCombo: check.categoryOptionCombo,
        attributeOptionCombo: check.attributeOptionCombo,
        value: check.value,
      } satisfies DataValue)
      result.origins.push(v.origin)
      if (numeric[i]) {
        const n = Number(check.value)
        slots.numbers[i] = n
        slots.present[i] = 1
        if (history) outlier(n, v, orgUnitId, sink)
      }
    }

    for (const rule of rules) {
      const issue = rule.check(slots)
      if (issue) errors.push(issue)
    }
    if (spec.source.extraFields === 'warn') extraFields(record, sink)
    const completion = completionOf((field) => read(record, field))
    if (completion) result.completion = completion
    result.status = errors.length > 0 ? 'invalid' : 'ok'
    return result
  }

  function identify(record: SourceRecord, result: MapResult): void {
    let key = ''
    for (const field of spec.identity.key) key += (key === '' ? '' : '|') + (read(record, field) ?? '')
    result.key = key
    if (spec.identity.version !== undefined) {
      const version = read(record, spec.identity.version)
      if (version !== undefined) result.version = version
    }
    if (spec.identity.replaces !== undefined) {
      const replaces = read(record, spec.identity.replaces)
      if (replaces !== undefined) result.replaces = replaces
    }
  }

  function outlier(value: number, v: CompiledValue, orgUnitId: string, sink: IssueSink): void {
    const past = history?.(orgUnitId, v.dataElementId, v.categoryOptionComboId)
    if (!past || past.length === 0) return
    const score = outlierScore(value, past, outlierOptions)
    if (!score) return
    const method = score.method === 'modified-z' ? 'z-score modifié' : 'z-score'
    sink.warnings.push(
      mappingIssue(
        'OUTLIER',
        {
          fr: `Valeur ${value} inhabituellement élevée pour cette unité (${method} ${score.score.toFixed(1)} > ${score.threshold}) : à vérifier.`,
          en: `Value ${value} is unusually high for this org unit (${score.method === 'modified-z' ? 'modified z-score' : 'z-score'} ${score.score.toFixed(1)} > ${score.threshold}): please check.`,
        },
        {
          field: v.origin.field,
          raw: String(value),
          dataElement: v.origin.dataElement,
          categoryOptionCombo: v.origin.categoryOptionCombo,
        },
      ),
    )
  }

  function extraFields(record: SourceRecord, sink: IssueSink): void {
    const extra: string[] = []
    for (const field of Object.keys(record)) {
      if (field.startsWith(RELAIS_KEY_PREFIX)) continue
      if (known.has(field) || ignored.some((pattern) => matches(pattern, field))) continue
      // An extra column left empty loses nothing; only ignored data is worth a warning.
      const text = cellText(record[field])
      if (text !== undefined && text.trim() !== '') extra.push(field)
    }
    // Filled fields the bridge dropped before storing the record (data minimisation) are named there.
    const dropped = record[DROPPED_KEY]
    if (Array.isArray(dropped)) for (const field of dropped) if (typeof field === 'string') extra.push(field)
    if (extra.length === 0) return
    const list = extra.join(', ')
    sink.warnings.push(
      mappingIssue(
        'EXTRA_FIELDS',
        {
          fr: `Colonnes remplies mais non utilisées par la spécification, ignorées : ${list}.`,
          en: `Filled columns the spec does not use, ignored: ${list}.`,
        },
        { field: list },
      ),
    )
  }

  const mapper: Mapper = {
    spec,
    dataSet,
    map(record) {
      try {
        return mapRecord(record)
      } catch (error) {
        // A safety net, not a code path: property tests assert it is never reached.
        return {
          status: 'invalid',
          dataValues: [],
          origins: [],
          warnings: [],
          errors: [
            mappingIssue('MAPPER_FAILURE', {
              fr: `Erreur inattendue du mappage : ${String(error)}`,
              en: `Unexpected mapping failure: ${String(error)}`,
            }),
          ],
        }
      }
    },
    mapBatch(records) {
      return mapBatch(mapper, records)
    },
  }
  return mapper
}

/** The trimmed source text of a value's field, for error reports (cold path). */
function sourceText(record: SourceRecord, field: string): string | undefined {
  return cellText(ownField(record, field))?.trim()
}

function matches(pattern: string, field: string): boolean {
  return pattern.endsWith('*') ? field.startsWith(pattern.slice(0, -1)) : pattern === field
}

function isEmpty(record: SourceRecord, blankTokens: ReadonlySet<string>): boolean {
  for (const key of Object.keys(record)) {
    const text = cellText(record[key])
    if (text !== undefined && text.trim() !== '' && !blankTokens.has(fold(text))) return false
  }
  return true
}

/**
 * Every source field a spec reads or names: org unit, period, required, identity, the values' fields, and the
 * fields it lists to `keep` or to `pseudonymise`. The bridge keeps only these of a received record (data
 * minimisation, DESIGN.md): a field no spec names never enters the ledger. Pure.
 */
export function fieldsUsedBy(spec: MappingSpec): Set<string> {
  return new Set<string>([
    spec.orgUnit.field,
    spec.period.field,
    ...spec.required,
    ...spec.identity.key,
    ...[spec.identity.version, spec.identity.replaces].filter((f): f is string => f !== undefined),
    ...spec.values.flatMap((v) => fieldsReadBy(v)),
    ...spec.keep,
    ...spec.pseudonymise,
    ...completionFields(spec.completion),
  ])
}

/** Keys the bridge adds to a record (`relais:cleaned`, `relais:dropped`…): never source data. */
export const RELAIS_KEY_PREFIX = 'relais:'
/** The names (never the values) of the filled fields the bridge dropped because no spec uses them. */
export const DROPPED_KEY = 'relais:dropped'

function fieldsReadBy(
  rule: MappingSpec['values'][number] | NonNullable<MappingSpec['values'][number]['condition']>['then'],
): string[] {
  const fields: string[] = []
  if (rule.field !== undefined) fields.push(rule.field)
  if (rule.sum !== undefined) fields.push(...rule.sum)
  if (rule.lookup !== undefined) fields.push(rule.lookup.field)
  if (rule.condition !== undefined) {
    fields.push(rule.condition.if.field, ...fieldsReadBy(rule.condition.then))
    if (rule.condition.else) fields.push(...fieldsReadBy(rule.condition.else))
  }
  return fields
}

/** A DHIS2 conflict as a mapping issue: DHIS2's code and message, with a sentence for people. */
function conflictIssue(
  conflict: DataValueConflict,
  v: CompiledValue,
  value: string,
  spec: MappingSpec,
  texts: { orgUnit?: string; period?: string; value?: string },
): MappingIssue {
  const rule = dataValueRule(conflict.errorCode)
  const target = `${v.origin.dataElement} (${v.origin.categoryOptionCombo})`
  let fr = `${target} : ${rule.description.fr}`
  let en = `${target}: ${rule.description.en}`
  let field = v.origin.field
  let raw = texts.value ?? value
  const read = raw === value ? `« ${value} »` : `« ${raw} » (lue ${value})`
  const readEn = raw === value ? `"${value}"` : `"${raw}" (read as ${value})`
  if (conflict.errorCode === 'E7619') {
    const key = conflict.objects.value as ValueTypeError | undefined
    if (key) {
      fr = `Valeur ${read} refusée pour ${target} : ${valueTypeErrorMessage(key, 'fr')}`
      en = `Value ${readEn} refused for ${target}: ${valueTypeErrorMessage(key, 'en')}`
    }
  } else if (conflict.property === 'period') {
    field = spec.period.field
    raw = texts.period ?? ''
    fr = `Période refusée par DHIS2 : ${rule.description.fr}`
    en = `Period refused by DHIS2: ${rule.description.en}`
  } else if (conflict.property === 'orgUnit') {
    field = spec.orgUnit.field
    raw = texts.orgUnit ?? ''
    fr = `Unité d'organisation refusée par DHIS2 : ${rule.description.fr}`
    en = `Organisation unit refused by DHIS2: ${rule.description.en}`
  }
  // People read the plain words; DHIS2's own code and English text go with it, for a details disclosure.
  return mappingIssue(
    conflict.errorCode,
    { fr, en },
    {
      field,
      raw,
      dataElement: v.origin.dataElement,
      categoryOptionCombo: v.origin.categoryOptionCombo,
      dhis2: { errorCode: conflict.errorCode, message: conflict.message },
    },
  )
}
