// The parts of @relais/mappings the app uses, imported by path: the package's index also exports the
// mapping-spec loader (zod, yaml), which the browser does not need. The rules are the SAME code the
// bridge and the DHIS2 stand-in run, so a value the form accepts is a value DHIS2 accepts.
export {
  addPeriods,
  parsePeriod,
  periodForDate,
  periodName,
  type Period,
  type PeriodTypeName,
} from '@relais/mappings/src/dhis2/periods'
export { validateValue, valueTypeErrorMessage, type ValueType } from '@relais/mappings/src/dhis2/value-types'
export type { ValueTypeError } from '@relais/mappings/src/dhis2/value-types/messages'
export {
  createDataValueValidator,
  type DataValueConflict,
  type DataValueRuleUser,
} from '@relais/mappings/src/dhis2/data-value-rules'
export { MetadataIndex } from '@relais/mappings/src/dhis2/metadata-index'
export type { MetadataSnapshot, ValidationRule } from '@relais/mappings/src/dhis2/metadata'
export { compileValidationRules, type SlotInfo, type SlotValues } from '@relais/mappings/src/engine/validation-rules'
export { outlierScore, type OutlierScore } from '@relais/mappings/src/engine/outliers'
