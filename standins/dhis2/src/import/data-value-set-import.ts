/**
 * `POST /api/dataValueSets` without the HTTP: DHIS2 2.41's aggregate import (web-api §2.2–§2.7, core@2.41
 * `DefaultDataValueSetService.importDataValueSet` / `importDataValue`) over the stand-in's stores, with
 * the validation rules of the shared `@relais/mappings` module so the stand-in and the mappings engine
 * agree value for value.
 *
 * - Upsert key (DE, PE, OU, COC, AOC); strategies CREATE / UPDATE / CREATE_AND_UPDATE / DELETE.
 * - An update with the same value, comment and followup is `ignored` (no write, no rejected index).
 * - Blank value and blank comment, `deleted: true`, or an insignificant zero on an existing value →
 *   soft delete (`deleted`); blank on create → `ignored`; a soft-deleted row written again is revived
 *   and counted `imported`. An insignificant zero on create is skipped and not counted at all.
 * - `dryRun` counts as if it wrote and writes nothing (not even the completion, see below).
 * - Data-set level conflicts abort with status ERROR; value conflicts give WARNING, and everything
 *   else in the payload is committed (partial commit).
 * - Conflicts are grouped like DHIS2's ImportConflicts: same error code and same objects → one entry
 *   with several `indexes`.
 *
 * Performance: the payload is walked once; every look-up is a Map read (validator caches, the store's
 * org unit → period → entry maps); no per-value array scan.
 */
import {
  checkDataSetLevel,
  createDataValueValidator,
  type DataValueConflict,
  type DataValueInput,
  type DataValueRuleOptions,
  type DataValueRuleUser,
  type MetadataIndex,
} from '@relais/mappings'
import { storedValue, type DataValueKey, type DataValueStore, type StoredValue } from '../store/data-values'
import { registrationKey, type Registration } from '../store/state'
import {
  ImportRequestError,
  STRICT_FLAGS,
  STRICT_SETTINGS,
  boolParam,
  importOptionsJson,
  parseIdScheme,
  parseStrategy,
  stringParam,
  type ImportConflictJson,
  type ImportCount,
  type ImportSummaryJson,
} from './common'

/** The JSON body of a data value set (all values are strings in DHIS2's JSON; booleans are tolerated). */
export interface DataValueSetPayload {
  idScheme?: string
  dataElementIdScheme?: string
  orgUnitIdScheme?: string
  categoryOptionComboIdScheme?: string
  attributeOptionComboIdScheme?: string
  dataSetIdScheme?: string
  dryRun?: boolean | string
  strategy?: string
  dataSet?: string
  completeDate?: string
  period?: string
  orgUnit?: string
  attributeOptionCombo?: string
  dataValues?: DataValueInput[]
}

export interface ImportDataValueSetInput {
  index: MetadataIndex
  store: DataValueStore
  registrations: Map<string, Registration>
  user: DataValueRuleUser
  /** Server-local timestamp of the import (`yyyy-MM-ddTHH:mm:ss.SSS`): created/lastUpdated of writes. */
  now: string
  payload: DataValueSetPayload
  /** Query parameters (idSchemes, dryRun, importStrategy, strict flags, force…). */
  query: Record<string, unknown>
  /** System settings: the `keyDataImportStrict…` flags are OR-ed with the query's. */
  settings: Record<string, unknown>
}

const DESCRIPTION_OK = 'Import process completed successfully'
const DESCRIPTION_ABORTED = 'Import process was aborted'

/** Collects conflicts grouped by error code and objects, as DHIS2's ImportSummary does. */
export class ConflictCollector {
  private readonly groups = new Map<string, ImportConflictJson>()
  private legacy: ImportConflictJson[] = []

  add(conflict: DataValueConflict, index?: number): void {
    const key = `${conflict.errorCode}:${Object.values(conflict.objects).join(':')}`
    const known = this.groups.get(key)
    if (known) {
      if (index !== undefined) (known.indexes ??= []).push(index)
      return
    }
    // DHIS2's field order: object, objects, value, errorCode, property, indexes.
    const json: ImportConflictJson = {
      ...(conflict.object !== undefined ? { object: conflict.object } : {}),
      objects: conflict.objects,
      value: conflict.message,
      errorCode: conflict.errorCode,
      ...(conflict.property !== undefined ? { property: conflict.property } : {}),
      ...(index !== undefined ? { indexes: [index] } : {}),
    }
    this.groups.set(key, json)
  }

  /** An informal conflict (object + message only), like DHIS2's legacy `addConflict(object, value)`. */
  addLegacy(object: string, value: string): void {
    this.legacy.push({ object, value })
  }

  get size(): number {
    return this.groups.size + this.legacy.length
  }

  toJson(): ImportConflictJson[] {
    return [...this.groups.values(), ...this.legacy]
  }
}

/** Query options merged with the payload's overrides and the system settings. */
export interface ResolvedImportOptions {
  rules: DataValueRuleOptions
  dryRun: boolean
  strategy: NonNullable<DataValueRuleOptions['importStrategy']>
  skipExistingCheck: boolean
  importOptionsJson: Record<string, unknown>
}

export function resolveImportOptions(
  query: Record<string, unknown>,
  payload: Pick<
    DataValueSetPayload,
    | 'idScheme'
    | 'dataElementIdScheme'
    | 'orgUnitIdScheme'
    | 'categoryOptionComboIdScheme'
    | 'attributeOptionComboIdScheme'
    | 'dataSetIdScheme'
    | 'dryRun'
    | 'strategy'
  >,
  settings: Record<string, unknown>,
  user: DataValueRuleUser,
): ResolvedImportOptions {
  const q = (name: string) => parseIdScheme(stringParam(query, name), name)
  const p = (name: keyof typeof payload) => parseIdScheme(payload[name], name)
  // Payload schemes (specific, then generic) win over the query's (specific, then generic) — web-api §2.2.
  const generic = p('idScheme')
  const queryGeneric = q('idScheme')
  const pick = (payloadSpecific: keyof typeof payload, querySpecific: string) =>
    p(payloadSpecific) ?? generic ?? q(querySpecific) ?? queryGeneric
  const cocScheme = pick('categoryOptionComboIdScheme', 'categoryOptionComboIdScheme')
  const queryStrategy = parseStrategy(stringParam(query, 'importStrategy')) ?? 'CREATE_AND_UPDATE'
  const strategy = parseStrategy(payload.strategy) ?? queryStrategy
  const dryRun =
    payload.dryRun !== undefined && payload.dryRun !== null && payload.dryRun !== ''
      ? String(payload.dryRun).toLowerCase() === 'true'
      : boolParam(query, 'dryRun')
  const rules: DataValueRuleOptions = {
    idSchemes: {
      dataElement: pick('dataElementIdScheme', 'dataElementIdScheme'),
      orgUnit: pick('orgUnitIdScheme', 'orgUnitIdScheme'),
      categoryOptionCombo: cocScheme,
      attributeOptionCombo:
        p('attributeOptionComboIdScheme') ??
        p('categoryOptionComboIdScheme') ??
        generic ??
        q('attributeOptionComboIdScheme') ??
        cocScheme,
      dataSet: pick('dataSetIdScheme', 'dataSetIdScheme'),
    },
    importStrategy: strategy,
    // force: only a superuser may force (InputUtils.canForceDataInput).
    force: boolParam(query, 'force') && user.isSuperuser,
  }
  for (const flag of STRICT_FLAGS) {
    const on =
      boolParam(query, flag) || settings[STRICT_SETTINGS[flag]] === true || settings[STRICT_SETTINGS[flag]] === 'true'
    if (on) (rules as Record<string, unknown>)[flag] = true
  }
  return {
    rules,
    dryRun,
    strategy,
    skipExistingCheck: boolParam(query, 'skipExistingCheck'),
    importOptionsJson: importOptionsJson(query, queryStrategy),
  }
}

/** `completeDate`: "true" → today, "false"/blank → none, a future date → today (getCompletionDate). */
function completionDate(text: string | undefined, today: string): string | undefined {
  if (text === undefined || text === null || text === '') return undefined
  const lower = String(text).toLowerCase()
  if (lower === 'true') return today
  if (lower === 'false') return undefined
  const date = String(text).slice(0, 10)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new ImportRequestError(`Text '${String(text)}' could not be parsed at index 0`)
  }
  return date > today ? today : date
}

/** Runs one import and returns DHIS2's ImportSummary. Writes go to `store` / `registrations` unless dry run. */
export function importDataValueSet(input: ImportDataValueSetInput): ImportSummaryJson {
  const { index, store, user, now, payload, query, settings } = input
  let options: ResolvedImportOptions
  try {
    options = resolveImportOptions(query, payload, settings, user)
  } catch (error) {
    if (error instanceof ImportRequestError) return failedSummary(`The import process failed: ${error.message}`)
    throw error
  }
  const { rules, dryRun, strategy } = options
  const conflicts = new ConflictCollector()
  const count: ImportCount = { imported: 0, updated: 0, ignored: 0, deleted: 0 }
  const summary = (
    status: ImportSummaryJson['status'],
    description: string,
    extra: Partial<ImportSummaryJson> = {},
  ): ImportSummaryJson => {
    const json: ImportSummaryJson = {
      status,
      importOptions: options.importOptionsJson,
      description,
      importCount: count,
    } as ImportSummaryJson
    const list = conflicts.toJson()
    if (list.length > 0) json.conflicts = list
    if (extra.rejectedIndexes && extra.rejectedIndexes.length > 0) json.rejectedIndexes = extra.rejectedIndexes
    if (extra.dataSetComplete !== undefined) json.dataSetComplete = extra.dataSetComplete
    json.responseType = 'ImportSummary'
    return json
  }

  // Data-set level: any conflict aborts the whole import.
  const level = checkDataSetLevel({ index, options: rules, user, header: payload })
  if (!level.ok) {
    conflicts.add(level.conflict)
    return summary('ERROR', DESCRIPTION_ABORTED)
  }
  const context = level.context
  const today = now.slice(0, 10)

  let completeDate: string | undefined
  try {
    completeDate = completionDate(payload.completeDate, today)
  } catch (error) {
    if (error instanceof ImportRequestError) return failedSummary(`The import process failed: ${error.message}`)
    throw error
  }
  let dataSetComplete = 'false'
  if (context.dataSet && completeDate !== undefined) {
    if (!context.orgUnit) conflicts.addLegacy('OrganisationUnit', 'Must be provided to complete data set')
    else if (!context.period) conflicts.addLegacy('Period', 'Must be provided to complete data set')
    else {
      // DHIS2 registers even in a dry run; the stand-in writes nothing then (the summary is the same).
      if (!dryRun) {
        const registration: Registration = {
          dataSet: context.dataSet.id,
          period: context.period.id,
          organisationUnit: context.orgUnit.id,
          attributeOptionCombo: index.defaultCategoryOptionComboId,
          date: `${completeDate}T00:00:00.000`,
          storedBy: user.username,
          lastUpdated: now,
          lastUpdatedBy: user.username,
          completed: true,
        }
        input.registrations.set(registrationKey(registration), registration)
      }
      dataSetComplete = completeDate
    }
  }

  const validator = createDataValueValidator({ index, options: rules, user, now, context })
  const rejected: number[] = []
  const values = Array.isArray(payload.dataValues) ? payload.dataValues : []
  const isUpdateStrategy = strategy === 'CREATE_AND_UPDATE' || strategy === 'UPDATE'
  const isCreateStrategy = strategy === 'CREATE_AND_UPDATE' || strategy === 'CREATE'
  const key: DataValueKey = {
    dataElement: '',
    period: '',
    orgUnit: '',
    categoryOptionCombo: '',
    attributeOptionCombo: '',
  }

  for (let i = 0; i < values.length; i++) {
    const dv = values[i]
    if (dv === null || typeof dv !== 'object') {
      count.ignored++
      rejected.push(i)
      continue
    }
    const checked = validator.check(dv)
    if (!checked.ok) {
      count.ignored++
      rejected.push(i)
      conflicts.add(checked.conflict, i)
      continue
    }
    key.dataElement = checked.dataElement
    key.period = checked.period
    key.orgUnit = checked.orgUnit
    key.categoryOptionCombo = checked.categoryOptionCombo
    key.attributeOptionCombo = checked.attributeOptionCombo
    const existing = options.skipExistingCheck ? undefined : store.get(key)
    const live = existing !== undefined && !existing.deleted

    // An insignificant zero is dropped unless it updates a live value (then it deletes it).
    if (checked.zeroInsignificant && (!live || strategy === 'CREATE')) continue

    const nullValue = checked.value === null && checked.comment === null
    if (live) {
      if (isUpdateStrategy) {
        if (nullValue || checked.deleted || checked.zeroInsignificant) {
          count.deleted++
          if (!dryRun)
            store.set(key, softDeleted(existing, checked.value, checked.comment, checked.followup, user.username, now))
        } else if (
          existing.value === (checked.value ?? '') &&
          (existing.comment ?? null) === checked.comment &&
          existing.followup === checked.followup
        ) {
          count.ignored++
        } else {
          count.updated++
          if (!dryRun)
            store.set(
              key,
              storedValue(
                checked.value,
                checked.comment,
                checked.followup,
                false,
                user.username,
                existing.created,
                now,
              ),
            )
        }
      } else if (strategy === 'DELETE') {
        count.deleted++
        if (!dryRun)
          store.set(key, softDeleted(existing, checked.value, checked.comment, checked.followup, user.username, now))
      } else {
        count.ignored++
        rejected.push(i)
      }
    } else if (isCreateStrategy) {
      if (nullValue) {
        count.ignored++
        continue
      }
      count.imported++
      if (!dryRun)
        store.set(
          key,
          storedValue(
            checked.value,
            checked.comment,
            checked.followup,
            checked.deleted,
            user.username,
            existing?.created ?? now,
            now,
          ),
        )
    } else {
      count.ignored++
      rejected.push(i)
    }
  }

  return summary(conflicts.size > 0 ? 'WARNING' : 'SUCCESS', DESCRIPTION_OK, {
    rejectedIndexes: rejected,
    dataSetComplete,
  })
}

/** A soft delete keeps the row (and its last value when the payload sends none). */
function softDeleted(
  existing: StoredValue,
  value: string | null,
  comment: string | null,
  followup: boolean,
  storedBy: string,
  now: string,
): StoredValue {
  return storedValue(
    value ?? existing.value,
    comment ?? existing.comment ?? null,
    followup,
    true,
    storedBy,
    existing.created,
    now,
  )
}

/** The summary of an import that failed before it started (DHIS2 catches the exception). */
export function failedSummary(description: string): ImportSummaryJson {
  return {
    status: 'ERROR',
    description,
    importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
    responseType: 'ImportSummary',
  }
}
