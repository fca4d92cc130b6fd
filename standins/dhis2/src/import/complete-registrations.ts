/**
 * `/api/completeDataSetRegistrations` without the HTTP (web-api §4, analytics §4.5; core@2.41
 * `DefaultCompleteDataSetRegistrationExchangeService`).
 *
 * Import: `date` is the supplied value or now, and `lastUpdated` is set to that same date; an existing
 * registration is OVERWRITTEN, date included — re-posting later turns an on-time report into a late
 * one. That is DHIS2's behaviour and the stand-in keeps it on purpose: the app must cope with it.
 * Conflicts are DHIS2's informal ones (`object` + `value`, no error code); the status is ERROR only
 * when every registration was ignored (an empty payload included), else SUCCESS — never WARNING.
 * No expiry check: DHIS2 does not lock registrations.
 */
import {
  parsePeriod,
  type CategoryOptionCombo,
  type DataSet,
  type MetadataIndex,
  type OrganisationUnit,
  type Period,
} from '@relais/mappings'
import type { AuthUser, StandinContext } from '../context'
import { HttpError } from '../http/web-message'
import { localTimestamp, parseLocalTimestamp } from '../store/clock'
import type { DataValueStore } from '../store/data-values'
import { registrationKey, type Registration } from '../store/state'
import {
  ImportRequestError,
  boolParam,
  idIn,
  listParam,
  parseIdScheme,
  parseStrategy,
  stringParam,
  withDescendants,
  type ImportConflictJson,
  type ImportSummaryJson,
} from './common'
import { illegalQuery, parseDuration } from './data-value-set-export'

export interface RegistrationInput {
  dataSet?: string | null
  period?: string | null
  organisationUnit?: string | null
  attributeOptionCombo?: string | null
  cc?: string | null
  cp?: string | null
  date?: string | null
  storedBy?: string | null
  lastUpdatedBy?: string | null
  completed?: boolean | string | null
}

export interface ImportRegistrationsInput {
  index: MetadataIndex
  registrations: Map<string, Registration>
  values: DataValueStore
  user: AuthUser
  /** Server-local timestamp of now. */
  now: string
  timeZone: string
  items: RegistrationInput[]
  query: Record<string, unknown>
  settings: Record<string, unknown>
}

const DESCRIPTION = 'Import process complete.'

class Conflict extends Error {
  constructor(
    readonly object: string,
    readonly value: string,
  ) {
    super(value)
  }
}

/** A DHIS2 date or timestamp as the stand-in stores it (server-local `yyyy-MM-ddTHH:mm:ss.SSS`). */
export function toLocalTimestamp(text: string, timeZone: string): string | undefined {
  const instant = parseLocalTimestamp(text, timeZone)
  return instant ? localTimestamp(instant, timeZone) : undefined
}

/** The attribute option combo of a category combo + `;`-separated category options (cc/cp). */
export function attributeOptionComboOf(
  index: MetadataIndex,
  cc: string | null | undefined,
  cp: string | null | undefined,
): CategoryOptionCombo | undefined | null {
  if (!cc && !cp) return undefined
  const combo = cc ? index.objects.categoryCombos.byId.get(cc) : undefined
  if (!combo || !cp) return null
  const wanted = new Set(cp.split(';').map((s) => s.trim()))
  for (const ref of combo.categoryOptionCombos) {
    const coc = index.objects.categoryOptionCombos.byId.get(ref.id)
    if (coc && coc.categoryOptions.length === wanted.size && coc.categoryOptions.every((o) => wanted.has(o.id)))
      return coc
  }
  return null
}

export function importRegistrations(input: ImportRegistrationsInput): ImportSummaryJson {
  const { index, registrations, user, now, timeZone, items, query, settings } = input
  const objects = index.objects
  let strategy: ReturnType<typeof parseStrategy>
  let schemes: { dataSet: 'UID' | 'CODE'; orgUnit: 'UID' | 'CODE'; aoc: 'UID' | 'CODE' }
  try {
    strategy = parseStrategy(stringParam(query, 'importStrategy')) ?? 'CREATE_AND_UPDATE'
    const generic = parseIdScheme(stringParam(query, 'idScheme'), 'idScheme') ?? 'UID'
    schemes = {
      dataSet: parseIdScheme(stringParam(query, 'dataSetIdScheme'), 'dataSetIdScheme') ?? generic,
      orgUnit: parseIdScheme(stringParam(query, 'orgUnitIdScheme'), 'orgUnitIdScheme') ?? generic,
      aoc: parseIdScheme(stringParam(query, 'attributeOptionComboIdScheme'), 'attributeOptionComboIdScheme') ?? generic,
    }
  } catch (error) {
    if (error instanceof ImportRequestError)
      return {
        status: 'ERROR',
        description: `The import process failed: ${error.message}`,
        importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
        responseType: 'ImportSummary',
      }
    throw error
  }
  const dryRun = boolParam(query, 'dryRun')
  const skipExistingCheck = boolParam(query, 'skipExistingCheck')
  const strict = (flag: string, setting: string) => boolParam(query, flag) || settings[setting] === true
  const strictAoc = strict('strictAttributeOptionCombos', 'keyDataImportStrictAttributeOptionCombos')
  const strictPeriods = strict('strictPeriods', 'keyDataImportStrictPeriods')
  const strictOrgUnits = strict('strictOrganisationUnits', 'keyDataImportStrictOrganisationUnits')
  const requireAoc = strict('requireAttributeOptionCombo', 'keyDataImportRequireAttributeOptionCombo')
  const captureIds = new Set(user.captureOrgUnits.map((o) => o.id))
  const conflicts: ImportConflictJson[] = []
  let imported = 0
  let updated = 0
  let deleted = 0
  let total = 0

  for (const item of items) {
    total++
    if (item === null || typeof item !== 'object') continue
    const trim = (s: string | null | undefined) =>
      s === null || s === undefined || s.trim() === '' ? undefined : s.trim()
    let dataSet: DataSet | undefined
    let period: Period | undefined
    let orgUnit: OrganisationUnit | undefined
    let aoc: CategoryOptionCombo | undefined
    let date: string
    let storedBy: string
    let lastUpdatedBy: string
    try {
      const ds = trim(item.dataSet)
      dataSet = ds === undefined ? undefined : objects.dataSets.get(ds, schemes.dataSet)
      const pe = trim(item.period)
      period = pe === undefined ? undefined : parsePeriod(pe)
      const ou = trim(item.organisationUnit)
      orgUnit = ou === undefined ? undefined : objects.organisationUnits.get(ou, schemes.orgUnit)
      const aocRaw = trim(item.attributeOptionCombo)
      // An unknown combo falls back to the default, as DHIS2's cache look-up does (no conflict).
      aoc =
        aocRaw !== undefined
          ? objects.categoryOptionCombos.get(aocRaw, schemes.aoc)
          : (attributeOptionComboOf(index, item.cc, item.cp) ?? undefined)
      if (!dataSet) throw new Conflict(String(item.dataSet ?? null), 'Data set not found or not accessible')
      if (!period) throw new Conflict(String(item.period ?? null), 'Period not valid')
      if (!orgUnit)
        throw new Conflict(String(item.organisationUnit ?? null), 'Organisation unit not found or not accessible')
      if (!aoc) {
        if (requireAoc)
          throw new Conflict('Attribute option combo', 'Attribute option combo is required but is not specified')
        aoc = objects.categoryOptionCombos.byId.get(index.defaultCategoryOptionComboId) as CategoryOptionCombo
      }
      if (!index.pathIds(orgUnit).some((id) => captureIds.has(id))) {
        throw new Conflict(orgUnit.id, `Organisation unit is not in hierarchy of user: ${user.user.username}`)
      }
      if (strictAoc && aoc.categoryCombo.id !== dataSet.categoryCombo.id) {
        throw new Conflict(
          aoc.categoryCombo.id,
          `Attribute option combo: ${aoc.categoryCombo.id} must have category combo: ${dataSet.categoryCombo.id}`,
        )
      }
      checkAocRange(index, aoc, period, orgUnit)
      if (strictPeriods && period.periodType !== dataSet.periodType) {
        throw new Conflict(
          period.id,
          `Period type of period: ${period.id} is not equal to the period type of data set: ${dataSet.periodType}`,
        )
      }
      if (strictOrgUnits && !index.isAssigned(dataSet.id, orgUnit.id)) {
        throw new Conflict(dataSet.id, `Data set ${dataSet.id} is not assigned to organisation unit ${orgUnit.id}`)
      }
      for (const who of [item.storedBy, item.lastUpdatedBy]) {
        if (typeof who === 'string' && who.length > 255)
          throw new Conflict(who, 'stored_by_length_greater_than_max_length')
      }
      storedBy = trim(item.storedBy) ?? user.user.username
      lastUpdatedBy = trim(item.lastUpdatedBy) ?? user.user.username
      const dateText = trim(item.date)
      const parsed = dateText === undefined ? now : toLocalTimestamp(dateText, timeZone)
      if (parsed === undefined) throw new Conflict(String(item.date), 'Invalid date')
      date = parsed
    } catch (error) {
      if (error instanceof Conflict) {
        conflicts.push({ object: error.object, value: error.value })
        continue
      }
      throw error
    }

    // Compulsory operands: a conflict each; the registration is skipped only when the data set says
    // compulsoryFieldsCompleteOnly (DefaultCompleteDataSetRegistrationExchangeService).
    let missingCompulsory = false
    for (const operand of dataSet.compulsoryDataElementOperands) {
      const hasValue = [...input.values.valuesOf(orgUnit.id, new Set([period.id]))].some(
        (v) =>
          !v.deleted &&
          v.dataElement === operand.dataElement.id &&
          (!operand.categoryOptionCombo || v.categoryOptionCombo === operand.categoryOptionCombo.id) &&
          v.attributeOptionCombo === aoc.id,
      )
      if (!hasValue) {
        const element = objects.dataElements.byId.get(operand.dataElement.id)
        const coc = operand.categoryOptionCombo
          ? objects.categoryOptionCombos.byId.get(operand.categoryOptionCombo.id)
          : undefined
        missingCompulsory = true
        conflicts.push({
          object: 'dataElementOperand',
          value: `${element?.name ?? operand.dataElement.id}${coc ? ` ${coc.name}` : ''} needs to be filled. It is compulsory.`,
        })
      }
    }

    if (missingCompulsory && dataSet.compulsoryFieldsCompleteOnly) continue

    const completed =
      item.completed === undefined || item.completed === null || item.completed === ''
        ? true
        : String(item.completed).toLowerCase() === 'true'
    const registration: Registration = {
      dataSet: dataSet.id,
      period: period.id,
      organisationUnit: orgUnit.id,
      attributeOptionCombo: aoc.id,
      date,
      storedBy,
      // DHIS2 sets lastUpdated to the registration date (analytics §4.5): a back-dated date back-dates it too.
      lastUpdated: date,
      lastUpdatedBy,
      completed,
    }
    const key = registrationKey(registration)
    const existing = skipExistingCheck ? undefined : registrations.get(key)
    if (existing) {
      if (strategy === 'CREATE_AND_UPDATE' || strategy === 'UPDATE') {
        updated++
        if (!dryRun) registrations.set(key, registration)
      } else if (strategy === 'DELETE') {
        deleted++
        if (!dryRun) registrations.delete(key)
      }
    } else if (strategy === 'CREATE_AND_UPDATE' || strategy === 'CREATE') {
      imported++
      if (!dryRun) registrations.set(key, registration)
    }
  }

  const ignored = total - imported - updated - deleted
  const summary: ImportSummaryJson = {
    responseType: 'ImportSummary',
    status: total === ignored ? 'ERROR' : 'SUCCESS',
    description: DESCRIPTION,
    importCount: { imported, updated, ignored, deleted },
  } as ImportSummaryJson
  if (conflicts.length > 0) summary.conflicts = conflicts
  return summary
}

function checkAocRange(
  index: MetadataIndex,
  aoc: CategoryOptionCombo,
  period: Period,
  orgUnit: OrganisationUnit,
): void {
  let start: string | undefined
  let end: string | undefined
  const units: string[] = []
  for (const ref of aoc.categoryOptions) {
    const option = index.objects.categoryOptions.byId.get(ref.id)
    if (!option) continue
    const s = option.startDate?.slice(0, 10)
    const e = option.endDate?.slice(0, 10)
    if (s && (!start || s > start)) start = s
    if (e && (!end || e < end)) end = e
    units.push(...option.organisationUnits.map((o) => o.id))
  }
  if ((start && start > period.startDate) || (end && end < period.endDate)) {
    throw new Conflict(orgUnit.id, `Period: ${period.id} is not within range of attribute option combo: ${aoc.id}`)
  }
  if (units.length > 0 && !units.some((id) => index.isWithin(orgUnit, id))) {
    throw new Conflict(orgUnit.id, `Organisation unit: ${orgUnit.id} is not valid for attribute option combo ${aoc.id}`)
  }
}

/** `GET /api/completeDataSetRegistrations` (CompleteDataSetRegistrationExchangeService validate/decideAccess). */
export function exportRegistrations(
  ctx: StandinContext,
  user: AuthUser,
  query: Record<string, unknown>,
): Record<string, unknown> {
  const index = ctx.index.metadata
  const objects = index.objects
  const dataSets = listParam(query, 'dataSet')
    .map((id) => objects.dataSets.byId.get(id))
    .filter((d) => d !== undefined)
  const orgUnits = listParam(query, 'orgUnit')
    .map((id) => objects.organisationUnits.byId.get(id))
    .filter((o) => o !== undefined)
  const orgUnitGroups = listParam(query, 'orgUnitGroup')
    .map((id) => objects.organisationUnitGroups.byId.get(id))
    .filter((g) => g !== undefined)
  const periodParams = listParam(query, 'period')
  const periods = periodParams.map((p) => parsePeriod(p)).filter((p): p is Period => p !== undefined)
  const startDate = stringParam(query, 'startDate')
  const endDate = stringParam(query, 'endDate')
  const hasStartEnd = periodParams.length === 0 && !!startDate && !!endDate
  const created = stringParam(query, 'created')
  const createdDuration = stringParam(query, 'createdDuration')
  const children = boolParam(query, 'children')
  const limitText = stringParam(query, 'limit')
  const limit = limitText === undefined || limitText === '' ? undefined : Number(limitText)
  let generic: 'UID' | 'CODE'
  let schemes: { dataSet: 'UID' | 'CODE'; orgUnit: 'UID' | 'CODE'; aoc: 'UID' | 'CODE' }
  try {
    generic = parseIdScheme(stringParam(query, 'idScheme'), 'idScheme') ?? 'UID'
    schemes = {
      dataSet: parseIdScheme(stringParam(query, 'dataSetIdScheme'), 'dataSetIdScheme') ?? generic,
      orgUnit: parseIdScheme(stringParam(query, 'orgUnitIdScheme'), 'orgUnitIdScheme') ?? generic,
      aoc: parseIdScheme(stringParam(query, 'attributeOptionComboIdScheme'), 'attributeOptionComboIdScheme') ?? generic,
    }
  } catch (error) {
    if (error instanceof ImportRequestError) throw new HttpError(409, error.message)
    throw error
  }

  // decideAccess: org units in the user's (capture) hierarchy.
  for (const unit of orgUnits) if (!ctx.isWithinAny(unit, user.captureOrgUnits)) throw illegalQuery('E2012', unit.id)
  // validate: the last failing check wins.
  let error: HttpError | undefined
  if (dataSets.length === 0) error = illegalQuery('E2013')
  if (periods.length === 0 && !hasStartEnd && !created && !createdDuration) error = illegalQuery('E2002')
  if (periods.length > 0 && startDate && endDate) error = illegalQuery('E2003')
  if (hasStartEnd && (startDate as string) > (endDate as string)) error = illegalQuery('E2004')
  const durationMs = createdDuration ? parseDuration(createdDuration) : undefined
  if (createdDuration && durationMs === undefined) error = illegalQuery('E2005', createdDuration)
  if (orgUnits.length === 0 && orgUnitGroups.length === 0) error = illegalQuery('E2006')
  if (children && orgUnitGroups.length > 0) error = illegalQuery('E2007')
  if (children && orgUnits.length === 0) error = illegalQuery('E2008')
  if (limit !== undefined && limit < 0) error = illegalQuery('E2009', limitText)
  if (error) throw error

  const dataSetIds = new Set(dataSets.map((d) => d.id))
  const unitIds = children ? withDescendants(ctx, orgUnits) : new Set(orgUnits.map((o) => o.id))
  for (const group of orgUnitGroups) for (const ref of group.organisationUnits) unitIds.add(ref.id)
  const periodIds = periods.length > 0 ? new Set(periods.map((p) => p.id)) : undefined
  let createdSince = created ? toLocalTimestamp(created, ctx.clock.timeZone) : undefined
  if (durationMs !== undefined) {
    const since = ctx.clock.timestamp(new Date(ctx.clock.now().getTime() - durationMs))
    createdSince = createdSince === undefined || since > createdSince ? since : createdSince
  }
  const out: Record<string, unknown>[] = []
  for (const r of ctx.state.registrations.values()) {
    if (limit !== undefined && out.length >= limit) break
    if (!dataSetIds.has(r.dataSet) || !unitIds.has(r.organisationUnit)) continue
    if (periodIds && !periodIds.has(r.period)) continue
    if (hasStartEnd) {
      const pe = parsePeriod(r.period)
      if (!pe || pe.startDate < (startDate as string).slice(0, 10) || pe.endDate > (endDate as string).slice(0, 10))
        continue
    }
    if (createdSince !== undefined && r.date < createdSince) continue
    out.push({
      period: r.period,
      dataSet: idIn(objects.dataSets.byId.get(r.dataSet), schemes.dataSet, r.dataSet),
      organisationUnit: idIn(
        objects.organisationUnits.byId.get(r.organisationUnit),
        schemes.orgUnit,
        r.organisationUnit,
      ),
      attributeOptionCombo: idIn(
        objects.categoryOptionCombos.byId.get(r.attributeOptionCombo),
        schemes.aoc,
        r.attributeOptionCombo,
      ),
      date: r.date,
      storedBy: r.storedBy,
      lastUpdatedBy: r.lastUpdatedBy,
      lastUpdated: r.lastUpdated,
      completed: r.completed,
    })
  }
  return { completeDataSetRegistrations: out }
}

/** `DELETE /api/completeDataSetRegistrations?ds&pe&ou[&cc&cp][&multiOu]`: un-completes (removes the rows). */
export function deleteRegistrations(ctx: StandinContext, user: AuthUser, query: Record<string, unknown>): number {
  const index = ctx.index.metadata
  const objects = index.objects
  const dsIds = listParam(query, 'ds')
  const pe = stringParam(query, 'pe')
  const ou = stringParam(query, 'ou')
  const dataSets = dsIds.map((id) => {
    const ds = objects.dataSets.byId.get(id)
    if (!ds) throw new HttpError(409, `Illegal data set identifier: ${id}`)
    return ds
  })
  if (dataSets.length === 0) throw new HttpError(409, 'Illegal data set identifier: null')
  const period = pe ? parsePeriod(pe) : undefined
  if (!period) throw new HttpError(409, `Illegal period identifier: ${pe ?? 'null'}`)
  const orgUnit = ou ? objects.organisationUnits.byId.get(ou) : undefined
  if (!orgUnit) throw new HttpError(409, `Illegal organisation unit identifier: ${ou ?? 'null'}`)
  const aoc = attributeOptionComboOf(index, stringParam(query, 'cc'), stringParam(query, 'cp'))
  if (aoc === null) throw new HttpError(409, 'Illegal attribute option combo identifier')
  if (!ctx.isWithinAny(orgUnit, user.captureOrgUnits))
    throw new HttpError(409, `Organisation unit is not in hierarchy of user: ${user.user.username}`)
  const units = boolParam(query, 'multiOu') ? withDescendants(ctx, [orgUnit]) : new Set([orgUnit.id])
  let removed = 0
  for (const ds of dataSets) {
    for (const unitId of units) {
      const key = registrationKey({
        dataSet: ds.id,
        period: period.id,
        organisationUnit: unitId,
        attributeOptionCombo: aoc?.id ?? index.defaultCategoryOptionComboId,
      })
      if (ctx.state.registrations.delete(key)) removed++
    }
  }
  return removed
}
