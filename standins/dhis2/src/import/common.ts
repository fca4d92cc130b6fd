/**
 * What the data import and export modules share: the rule user of a signed-in user, query-parameter
 * readers, id schemes, and the ImportSummary / ImportOptions shapes of DHIS2 2.41 (web-api §2.6).
 */
import type { DataValueRuleUser, IdScheme } from '@relais/mappings'
import type { AuthUser, StandinContext } from '../context'
import { canDataWrite } from '../auth/object-sharing'

/**
 * The user as the shared import rules see it: capture org units for writes, authorities, superuser, and the
 * data write sharing of data sets and category options (E7601, E7614, E7616; object-sharing.ts).
 */
export function ruleUserOf(user: AuthUser, ctx: StandinContext): DataValueRuleUser {
  const options = ctx.index.metadata.objects.categoryOptions.byId
  return {
    id: user.user.id,
    username: user.user.username,
    captureOrgUnitIds: user.captureOrgUnits.map((o) => o.id),
    authorities: user.authorities,
    isSuperuser: user.isSuperuser,
    canWriteDataSet: (dataSet) => canDataWrite(user, dataSet),
    canWriteCategoryOption: (id) => {
      const option = options.get(id)
      return !option || canDataWrite(user, option)
    },
  }
}

/** Thrown for a request DHIS2 refuses before importing anything (bad id scheme, strategy…): a 409. */
export class ImportRequestError extends Error {
  constructor(
    message: string,
    readonly httpStatusCode = 409,
  ) {
    super(message)
  }
}

/** `uid` / `code` (any case) → the scheme; undefined when absent; NAME and ATTRIBUTE:… are not supported. */
export function parseIdScheme(text: unknown, name: string): IdScheme | undefined {
  if (text === undefined || text === null || text === '') return undefined
  const upper = String(text).toUpperCase()
  if (upper === 'UID' || upper === 'ID') return 'UID'
  if (upper === 'CODE') return 'CODE'
  throw new ImportRequestError(`Id scheme not supported by the stand-in (UID and CODE only): ${name}=${String(text)}`)
}

/** An identifier of an object in an output id scheme (CODE falls back to nothing, as DHIS2 prints null). */
export function idIn(
  object: { id: string; code?: string } | undefined,
  scheme: IdScheme,
  fallback: string,
): string | undefined {
  if (!object) return fallback
  return scheme === 'CODE' ? object.code : object.id
}

/** A query or form parameter as a list (repeatable `?orgUnit=a&orgUnit=b`, and comma lists). */
export function listParam(source: Record<string, unknown>, name: string): string[] {
  const raw = source[name]
  if (raw === undefined || raw === null || raw === '') return []
  const items = Array.isArray(raw) ? raw : [raw]
  return items
    .flatMap((item) => String(item).split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

export function stringParam(source: Record<string, unknown>, name: string): string | undefined {
  const raw = source[name]
  if (raw === undefined || raw === null) return undefined
  const value = Array.isArray(raw) ? raw[0] : raw
  return value === undefined || value === null ? undefined : String(value)
}

/** Spring's boolean binding: `true` (any case) is true; absent gives the default. */
export function boolParam(source: Record<string, unknown>, name: string, fallback = false): boolean {
  const value = stringParam(source, name)
  if (value === undefined || value === '') return fallback
  return value.toLowerCase() === 'true'
}

export type ImportStatus = 'SUCCESS' | 'WARNING' | 'ERROR'

export interface ImportCount {
  imported: number
  updated: number
  ignored: number
  deleted: number
}

/** A conflict as DHIS2 serialises it: `object, objects, value, errorCode, property, indexes`. */
export interface ImportConflictJson {
  object?: string
  objects?: Record<string, string>
  value: string
  errorCode?: string
  property?: string
  indexes?: number[]
}

export interface ImportSummaryJson {
  status: ImportStatus
  importOptions?: Record<string, unknown>
  description: string
  importCount: ImportCount
  conflicts?: ImportConflictJson[]
  rejectedIndexes?: number[]
  dataSetComplete?: string
  responseType: 'ImportSummary'
}

/** The strict and require flags of ImportOptions, in DHIS2's order. */
export const STRICT_FLAGS = [
  'strictPeriods',
  'strictDataElements',
  'strictCategoryOptionCombos',
  'strictAttributeOptionCombos',
  'strictOrganisationUnits',
  'strictDataSetApproval',
  'strictDataSetLocking',
  'strictDataSetInputPeriods',
  'requireCategoryOptionCombo',
  'requireAttributeOptionCombo',
] as const

export type StrictFlag = (typeof STRICT_FLAGS)[number]

/** The system setting OR-ed with each flag (`createDataValueSetImportContext`). */
export const STRICT_SETTINGS: Record<StrictFlag, string> = {
  strictPeriods: 'keyDataImportStrictPeriods',
  strictDataElements: 'keyDataImportStrictDataElements',
  strictCategoryOptionCombos: 'keyDataImportStrictCategoryOptionCombos',
  strictAttributeOptionCombos: 'keyDataImportStrictAttributeOptionCombos',
  strictOrganisationUnits: 'keyDataImportStrictOrganisationUnits',
  strictDataSetApproval: 'keyDataImportStrictDataSetApproval',
  strictDataSetLocking: 'keyDataImportStrictDataSetLocking',
  strictDataSetInputPeriods: 'keyDataImportStrictDataSetInputPeriods',
  requireCategoryOptionCombo: 'keyDataImportRequireCategoryOptionCombo',
  requireAttributeOptionCombo: 'keyDataImportRequireAttributeOptionCombo',
}

export const SCHEME_PARAMS = [
  'idScheme',
  'dataElementIdScheme',
  'orgUnitIdScheme',
  'categoryOptionComboIdScheme',
  'attributeOptionComboIdScheme',
  'dataSetIdScheme',
] as const

/** The `importOptions` object of an ImportSummary, with every field DHIS2 2.41 prints (web-api §2.6). */
export function importOptionsJson(query: Record<string, unknown>, importStrategy: string): Record<string, unknown> {
  const idSchemes: Record<string, unknown> = {}
  for (const name of SCHEME_PARAMS) {
    const scheme = parseIdScheme(stringParam(query, name), name)
    if (scheme) idSchemes[name] = { type: scheme }
  }
  const options: Record<string, unknown> = {
    idSchemes,
    dryRun: boolParam(query, 'dryRun'),
    async: boolParam(query, 'async'),
    importStrategy,
    mergeMode: 'REPLACE',
    reportMode: 'FULL',
    skipExistingCheck: boolParam(query, 'skipExistingCheck'),
    sharing: false,
    skipNotifications: boolParam(query, 'skipNotifications'),
    skipAudit: boolParam(query, 'skipAudit'),
    datasetAllowsPeriods: false,
  }
  for (const flag of STRICT_FLAGS) options[flag] = boolParam(query, flag)
  Object.assign(options, {
    skipPatternValidation: false,
    ignoreEmptyCollection: false,
    force: boolParam(query, 'force'),
    firstRowIsHeader: true,
    skipLastUpdated: false,
    mergeDataValues: false,
    skipCache: false,
  })
  return options
}

export const IMPORT_STRATEGIES = ['CREATE_AND_UPDATE', 'CREATE', 'UPDATE', 'DELETE'] as const

/** `importStrategy` values DHIS2 knows; NEW_AND_UPDATES/NEW/UPDATES/DELETES are its old aliases. */
export function parseStrategy(text: unknown): (typeof IMPORT_STRATEGIES)[number] | undefined {
  if (text === undefined || text === null || text === '') return undefined
  const upper = String(text).toUpperCase()
  const aliases: Record<string, (typeof IMPORT_STRATEGIES)[number]> = {
    CREATE_AND_UPDATE: 'CREATE_AND_UPDATE',
    NEW_AND_UPDATES: 'CREATE_AND_UPDATE',
    CREATE: 'CREATE',
    NEW: 'CREATE',
    UPDATE: 'UPDATE',
    UPDATES: 'UPDATE',
    DELETE: 'DELETE',
    DELETES: 'DELETE',
  }
  const strategy = aliases[upper]
  if (!strategy) throw new ImportRequestError(`Import strategy not valid: ${String(text)}`)
  return strategy
}

/** The WebMessage status, HTTP code and message for an ImportSummary (WebMessageUtils.importSummary). */
export function summaryEnvelope(status: ImportStatus): {
  httpStatusCode: number
  status: 'OK' | 'WARNING' | 'ERROR'
  message: string
} {
  if (status === 'SUCCESS') return { httpStatusCode: 200, status: 'OK', message: 'Import was successful.' }
  if (status === 'WARNING')
    return {
      httpStatusCode: 409,
      status: 'WARNING',
      message: 'One more conflicts encountered, please check import summary.',
    }
  return { httpStatusCode: 409, status: 'ERROR', message: 'An error occurred, please check import summary.' }
}

/** The org units the request names, plus their whole sub-trees when `children=true`. */
export function withDescendants(ctx: StandinContext, roots: { id: string; path: string }[]): Set<string> {
  const ids = new Set<string>()
  const all = ctx.state.metadata.organisationUnits
  for (const root of roots) {
    ids.add(root.id)
    const prefix = `${root.path}/`
    for (const unit of all) if (unit.path.startsWith(prefix)) ids.add(unit.id)
  }
  return ids
}
