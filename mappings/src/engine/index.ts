export { compileSpec, compileYaml, STRICT_IMPORT_OPTIONS, type CompileOptions, type CompileResult } from './compile'
export { formatPreview, type PreviewOptions } from './preview'
export { MAPPING_ISSUE_CODES, type MappingIssue, type MappingIssueCode } from './issues'
export { outlierScore, type OutlierOptions, type OutlierScore } from './outliers'
export { readSourcePeriod, resolveSourcePeriod } from './source-periods'
export { readNumber } from './numbers'
export { readBoolean } from './booleans'
export { fold } from './text'
export { submissionInstant, type RecordCompletion } from './completion'
export type {
  BatchRecord,
  BatchResult,
  BatchSummary,
  DataValue,
  HistoryLookup,
  MapResult,
  Mapper,
  RecordStatus,
  ValueOrigin,
} from './types'
export { fieldsUsedBy, DROPPED_KEY, RELAIS_KEY_PREFIX } from './mapper'
