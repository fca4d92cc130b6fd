export { loadSpec, type LoadedSpec, type Position, type SpecLoadResult } from './load'
export { formatSpecError, type Bilingual, type SpecError } from './errors'
export {
  SOURCE_KINDS,
  specSchema,
  type MappingSpec,
  type SourceKind,
  type TargetSpec,
  type ValueRuleSpec,
  type ExpressionSpec,
} from './schema'
