/**
 * Value expressions (field, constant, sum, lookup, condition) compiled once into closures that read a
 * record and give the text to send for one data element and option combo: a string, `undefined` for
 * "no value", or an issue. Cleaning happens here — trimming, blank tokens (`-`, `N/A`), decimal commas
 * and thousands spaces for numbers, oui/non/x for booleans, formulas refused — so that what reaches the
 * shared data-value rules is what a careful person would have typed into DHIS2.
 */
import type { ValueType } from '../dhis2/value-types'
import { isNumericValueType, validateValue, valueTypeErrorMessage } from '../dhis2/value-types'
import type { Bilingual } from '../spec/errors'
import type { BlankMode, ConditionSpec, ExpressionSpec } from '../spec/schema'
import { readBoolean } from './booleans'
import { mappingIssue, type MappingIssue } from './issues'
import { formatNumber, readNumber } from './numbers'
import { cellText, fold, isFormula, isPrototypeName, ownField } from './text'

export type SourceRecord = Readonly<Record<string, unknown>>

/** What an expression gives: the text to send, undefined for no value, or an error. */
export type Cell = string | undefined | MappingIssue

/** Collects warnings (truncated text) while a record is mapped. */
export interface IssueSink {
  warnings: MappingIssue[]
}

export type CompiledExpression = (record: SourceRecord, sink: IssueSink) => Cell

export interface ExpressionContext {
  valueType: ValueType
  blank: BlankMode
  /** Folded blank tokens (`-`, `n/a` …). */
  blankTokens: ReadonlySet<string>
  absentIsError: boolean
  truncate?: number
  dataElement: string
  categoryOptionCombo: string
}

/** A problem found while compiling (a constant or lookup value the element's type refuses). */
export interface ExpressionProblem {
  path: (string | number)[]
  value: string
  message: Bilingual
}

const INTEGER_TYPES: ReadonlySet<ValueType> = new Set<ValueType>([
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
])

export const isIssue = (cell: Cell): cell is MappingIssue => typeof cell === 'object'

/** Reads a field as trimmed text: undefined when blank, an issue when a formula or a missing column. */
type FieldReader = (record: SourceRecord) => string | undefined | MappingIssue

function fieldReader(field: string, ctx: ExpressionContext): FieldReader {
  const viaPrototype = isPrototypeName(field)
  const tokens = ctx.blankTokens
  const maxToken = Math.max(0, ...[...tokens].map((t) => t.length + 4))
  const digitToken = [...tokens].some((t) => /^\d/.test(t))
  const about = { field, dataElement: ctx.dataElement, categoryOptionCombo: ctx.categoryOptionCombo }
  return (record) => {
    const cell = viaPrototype ? ownField(record, field) : record[field]
    if (cell === undefined) {
      if (!ctx.absentIsError) return undefined
      return mappingIssue(
        'MISSING_COLUMN',
        {
          fr: `Le champ « ${field} » est absent (colonne manquante dans le fichier).`,
          en: `The field "${field}" is absent (a column missing from the file).`,
        },
        about,
      )
    }
    const text = typeof cell === 'string' ? cell : cellText(cell)
    if (text === undefined) return undefined
    const t = text.trim()
    if (t === '') return undefined
    // Fold only short texts that could be a blank token: numbers skip the (slow) Unicode normalisation.
    if (t.length <= maxToken && (digitToken || !isDigit(t.charCodeAt(0))) && tokens.has(fold(t))) return undefined
    if (isFormula(t)) {
      return mappingIssue(
        'FORMULA_NOT_ALLOWED',
        {
          fr: `La cellule « ${field} » contient une formule au lieu d'une valeur : copiez-collez les valeurs (collage spécial → valeurs).`,
          en: `The cell "${field}" holds a formula instead of a value: paste the values (paste special → values).`,
        },
        { ...about, raw: t },
      )
    }
    return t
  }
}

const isDigit = (code: number) => code >= 48 && code <= 57

/** Turns cleaned text into what DHIS2 takes for the element's value type (numbers and booleans). */
function converter(ctx: ExpressionContext, field: string): (text: string, sink: IssueSink) => Cell {
  const about = { field, dataElement: ctx.dataElement, categoryOptionCombo: ctx.categoryOptionCombo }
  if (isNumericValueType(ctx.valueType)) {
    const integer = INTEGER_TYPES.has(ctx.valueType)
    return (text) => {
      const reading = readNumber(text, integer)
      if (reading.ok || !reading.ambiguous) return reading.text
      return mappingIssue(
        'NUMBER_AMBIGUOUS',
        {
          fr: `« ${text} » est ambigu : écrivez ${text.replace(',', ' ')} pour un millier ou ${text.replace(',', '.')} pour une décimale.`,
          en: `"${text}" is ambiguous: write ${text.replace(',', ' ')} for thousands or ${text.replace(',', '.')} for a decimal.`,
        },
        { ...about, raw: text },
      )
    }
  }
  if (ctx.valueType === 'BOOLEAN') return (text) => readBoolean(text) ?? text
  // TRUE_ONLY stores only `true`: a "no" is no value.
  if (ctx.valueType === 'TRUE_ONLY')
    return (text) => (readBoolean(text) === 'false' ? undefined : (readBoolean(text) ?? text))
  const limit = ctx.truncate
  if (limit !== undefined) {
    return (text, sink) => {
      if (text.length <= limit) return text
      sink.warnings.push(
        mappingIssue(
          'TEXT_TRUNCATED',
          {
            fr: `Texte de ${text.length} caractères coupé à ${limit}.`,
            en: `Text of ${text.length} characters cut to ${limit}.`,
          },
          { ...about, raw: text },
        ),
      )
      return text.slice(0, limit)
    }
  }
  return (text) => text
}

/**
 * A condition's test on a field's text (undefined: blank): `equals` one of its values, insensitive to case,
 * spaces and accents, or `blank` true/false. Shared by value conditions and the completion's `report`.
 */
export function conditionTest(test: ConditionSpec): (text: string | undefined) => boolean {
  if (test.blank !== undefined) return (text) => (text === undefined) === test.blank
  const equals = test.equals === undefined ? [] : Array.isArray(test.equals) ? test.equals : [test.equals]
  const wanted = new Set(equals.map((v) => fold(String(v))))
  return (text) => text !== undefined && wanted.has(fold(text))
}

export function compileExpression(
  spec: ExpressionSpec,
  ctx: ExpressionContext,
  path: (string | number)[],
  problems: ExpressionProblem[],
): CompiledExpression {
  const zero = ctx.blank === 'zero' && isNumericValueType(ctx.valueType) ? '0' : undefined

  if (spec.field !== undefined) {
    const read = fieldReader(spec.field, ctx)
    const convert = converter(ctx, spec.field)
    return (record, sink) => {
      const text = read(record)
      if (text === undefined) return zero
      if (typeof text !== 'string') return text
      return convert(text, sink)
    }
  }

  if (spec.constant !== undefined) {
    const value = constantValue(spec.constant, ctx, [...path, 'constant'], problems)
    return () => value
  }

  if (spec.sum !== undefined) {
    const readers = spec.sum.map((field) => ({ field, read: fieldReader(field, ctx) }))
    return (record) => {
      let total = 0
      let any = false
      for (const { field, read } of readers) {
        const text = read(record)
        if (text === undefined) continue
        if (typeof text !== 'string') return text
        const reading = readNumber(text, false)
        if (!reading.ok) {
          return mappingIssue(
            'NOT_A_NUMBER',
            {
              fr: `« ${text} » (champ ${field}) n'est pas un nombre et ne peut pas être additionné.`,
              en: `"${text}" (field ${field}) is not a number and cannot be added up.`,
            },
            { field, raw: text, dataElement: ctx.dataElement, categoryOptionCombo: ctx.categoryOptionCombo },
          )
        }
        total += Number(reading.text)
        any = true
      }
      return any ? formatNumber(total) : zero
    }
  }

  if (spec.lookup !== undefined) {
    const { field, table } = spec.lookup
    const read = fieldReader(field, ctx)
    const entries = new Map<string, Cell>()
    for (const [key, value] of Object.entries(table)) {
      entries.set(fold(key), constantValue(value, ctx, [...path, 'lookup', 'table', key], problems))
    }
    const fallback =
      spec.lookup.default === undefined
        ? undefined
        : constantValue(spec.lookup.default, ctx, [...path, 'lookup', 'default'], problems)
    const keys = Object.keys(table).join(', ')
    return (record) => {
      const text = read(record)
      if (text === undefined) return zero
      if (typeof text !== 'string') return text
      const hit = entries.get(fold(text))
      if (hit !== undefined || entries.has(fold(text))) return hit
      if (fallback !== undefined) return fallback
      return mappingIssue(
        'LOOKUP_NO_MATCH',
        {
          fr: `« ${text} » n'est pas dans la table de correspondance (valeurs attendues : ${keys}).`,
          en: `"${text}" is not in the lookup table (expected one of: ${keys}).`,
        },
        { field, raw: text, dataElement: ctx.dataElement, categoryOptionCombo: ctx.categoryOptionCombo },
      )
    }
  }

  if (spec.condition !== undefined) {
    const { if: test, then, else: otherwise } = spec.condition
    const read = fieldReader(test.field, { ...ctx, absentIsError: ctx.absentIsError })
    const holdsFor = conditionTest(test)
    const whenThen = compileExpression(then, ctx, [...path, 'condition', 'then'], problems)
    const whenElse = otherwise
      ? compileExpression(otherwise, ctx, [...path, 'condition', 'else'], problems)
      : () => zero
    return (record, sink) => {
      const text = read(record)
      if (typeof text === 'object') return text
      return holdsFor(text) ? whenThen(record, sink) : whenElse(record, sink)
    }
  }
  // The schema guarantees one expression; an empty one gives no value.
  return () => undefined
}

/** A constant (or lookup result) converted and checked at compile time: a bad one is a spec error. */
function constantValue(
  value: string | number | boolean,
  ctx: ExpressionContext,
  path: (string | number)[],
  problems: ExpressionProblem[],
): string | undefined {
  const text = String(value).trim()
  if (text === '') return undefined
  const converted = converter(ctx, '')(text, { warnings: [] })
  const result = typeof converted === 'string' ? converted : text
  const error = validateValue(ctx.valueType, result)
  const issue = typeof converted === 'object' ? converted : undefined
  if (error || issue) {
    problems.push({
      path,
      value: text,
      message: {
        fr: `« ${text} » ne convient pas au type ${ctx.valueType} de ${ctx.dataElement} : ${error ? valueTypeErrorMessage(error, 'fr') : issue?.message.fr}`,
        en: `"${text}" does not fit ${ctx.dataElement}'s type ${ctx.valueType}: ${error ? valueTypeErrorMessage(error, 'en') : issue?.message.en}`,
      },
    })
  }
  return result
}
