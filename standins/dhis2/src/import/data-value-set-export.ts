/**
 * `GET /api/dataValueSets` without the HTTP (web-api §3; core@2.41 `DefaultDataValueSetService.getFromUrl`,
 * `decideAccess`, `validate`): unknown identifiers are dropped silently; access is decided before
 * validation (E2010–E2012, data view hierarchy); validation keeps the LAST failing check (E2001–E2009),
 * exactly as DHIS2's sequence of `error = …` assignments does.
 */
import { parsePeriod, type IdScheme, type MetadataIndex, type OrganisationUnit, type Period } from '@relais/mappings'
import type { AuthUser, StandinContext } from '../context'
import { HttpError } from '../http/web-message'
import { parseLocalTimestamp } from '../store/clock'
import { registrationKey } from '../store/state'
import { ImportRequestError, boolParam, idIn, listParam, parseIdScheme, stringParam, withDescendants } from './common'

export const GET_ERRORS = {
  E2001: 'At least one data element, data set or data element group must be specified',
  E2002: 'At least one period, start/end dates, last updated or last updated duration must be specified',
  E2003: 'Both periods and start/end date cannot be specified',
  E2004: 'Start date must be before end date',
  E2005: 'Duration is not valid: `{0}`',
  E2006: 'At least one organisation unit or organisation unit group must be specified',
  E2007: 'Organisation unit children cannot be included for organisation unit groups',
  E2008: 'At least one organisation unit must be specified when children are included',
  E2009: 'Limit cannot be less than zero: `{0}`',
  E2010: 'User is not allowed to read data for data set: `{0}`',
  E2011: 'User is not allowed to read data for attribute option combo: `{0}`',
  E2012: 'User is not allowed to view org unit: `{0}`',
  E2013: 'At least one data set must be specified',
} as const

export type GetErrorCode = keyof typeof GET_ERRORS

export function illegalQuery(code: GetErrorCode, arg?: string): HttpError {
  return new HttpError(409, GET_ERRORS[code].replace('{0}', arg ?? 'null'), code)
}

/** DateUtils.getDuration: `<n>d|h|m|s` → milliseconds; undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)([dhms])$/.exec(text.trim())
  if (!m) return undefined
  const unit = { d: 86400000, h: 3600000, m: 60000, s: 1000 }[m[2] as 'd' | 'h' | 'm' | 's']
  return Number(m[1]) * unit
}

interface OutputSchemes {
  dataElement: IdScheme
  orgUnit: IdScheme
  categoryOptionCombo: IdScheme
  attributeOptionCombo: IdScheme
  dataSet: IdScheme
}

function outputSchemes(query: Record<string, unknown>): OutputSchemes {
  const generic = parseIdScheme(stringParam(query, 'idScheme'), 'idScheme') ?? 'UID'
  const s = (name: string) => parseIdScheme(stringParam(query, name), name) ?? generic
  const coc = s('categoryOptionComboIdScheme')
  return {
    dataElement: s('dataElementIdScheme'),
    orgUnit: s('orgUnitIdScheme'),
    categoryOptionCombo: coc,
    attributeOptionCombo:
      parseIdScheme(stringParam(query, 'attributeOptionComboIdScheme'), 'attributeOptionComboIdScheme') ?? coc,
    dataSet: s('dataSetIdScheme'),
  }
}

/** Values of `GET /api/dataValueSets` as DHIS2 2.41 writes them (JSON). */
export function exportDataValueSet(
  ctx: StandinContext,
  user: AuthUser,
  query: Record<string, unknown>,
): Record<string, unknown> {
  const index: MetadataIndex = ctx.index.metadata
  const objects = index.objects
  let schemes: OutputSchemes
  let inputGeneric: IdScheme
  try {
    schemes = outputSchemes(query)
    inputGeneric = parseIdScheme(stringParam(query, 'inputIdScheme'), 'inputIdScheme') ?? 'UID'
  } catch (error) {
    if (error instanceof ImportRequestError) throw new HttpError(409, error.message)
    throw error
  }
  const input = (name: string) => parseIdScheme(stringParam(query, name), name) ?? inputGeneric

  // getFromUrl: resolve what exists, drop the rest.
  const dataSets = listParam(query, 'dataSet')
    .map((id) => objects.dataSets.get(id, input('inputDataSetIdScheme')))
    .filter((d) => d !== undefined)
  const dataElements = listParam(query, 'dataElement')
    .map((id) => objects.dataElements.get(id, input('inputDataElementIdScheme')))
    .filter((d) => d !== undefined)
  // The programme has no data element groups: any group named resolves to nothing.
  const dataElementGroups: never[] = []
  const periodParams = listParam(query, 'period')
  const periods = periodParams.map((p) => parsePeriod(p)).filter((p): p is Period => p !== undefined)
  const startDate = stringParam(query, 'startDate')
  const endDate = stringParam(query, 'endDate')
  const hasStartEnd = periodParams.length === 0 && !!startDate && !!endDate
  const orgUnits = listParam(query, 'orgUnit')
    .map((id) => objects.organisationUnits.get(id, input('inputOrgUnitIdScheme')))
    .filter((o) => o !== undefined)
  const orgUnitGroups = listParam(query, 'orgUnitGroup')
    .map((id) => objects.organisationUnitGroups.get(id, 'UID'))
    .filter((g) => g !== undefined)
  const aocs = listParam(query, 'attributeOptionCombo')
    .map((id) => objects.categoryOptionCombos.get(id, input('inputAttributeOptionComboIdScheme')))
    .filter((c) => c !== undefined)
  const children = boolParam(query, 'children')
  const includeDeleted = boolParam(query, 'includeDeleted')
  const lastUpdatedText = stringParam(query, 'lastUpdated')
  const lastUpdatedDuration = stringParam(query, 'lastUpdatedDuration')
  const limitText = stringParam(query, 'limit')
  const limit = limitText === undefined || limitText === '' ? undefined : Number(limitText)

  // decideAccess: data set / attribute combo read sharing (everything is shared in the programme), then
  // every org unit must lie in the user's data view hierarchy.
  for (const unit of orgUnits) {
    if (!ctx.isWithinAny(unit, user.viewOrgUnits)) throw illegalQuery('E2012', unit.id)
  }

  // validate: the last failing check is the one reported.
  let error: HttpError | undefined
  if (dataElements.length === 0 && dataSets.length === 0 && dataElementGroups.length === 0)
    error = illegalQuery('E2001')
  if (periods.length === 0 && !hasStartEnd && !lastUpdatedText && !lastUpdatedDuration) error = illegalQuery('E2002')
  if (periods.length > 0 && startDate && endDate) error = illegalQuery('E2003')
  if (hasStartEnd && (startDate as string) > (endDate as string)) error = illegalQuery('E2004')
  const durationMs = lastUpdatedDuration ? parseDuration(lastUpdatedDuration) : undefined
  if (lastUpdatedDuration && durationMs === undefined) error = illegalQuery('E2005', lastUpdatedDuration)
  if (orgUnits.length === 0 && orgUnitGroups.length === 0) error = illegalQuery('E2006')
  if (children && orgUnitGroups.length > 0) error = illegalQuery('E2007')
  if (children && orgUnits.length === 0) error = illegalQuery('E2008')
  if (limit !== undefined && limit < 0) error = illegalQuery('E2009', limitText)
  if (error) throw error

  // What to export.
  const elementIds = new Set<string>(dataElements.map((d) => d.id))
  for (const ds of dataSets) for (const dse of ds.dataSetElements) elementIds.add(dse.dataElement.id)
  const unitIds = children ? withDescendants(ctx, orgUnits) : new Set(orgUnits.map((o) => o.id))
  for (const group of orgUnitGroups) for (const ref of group.organisationUnits) unitIds.add(ref.id)
  const periodIds = periods.length > 0 ? new Set(periods.map((p) => p.id)) : undefined
  const aocIds = aocs.length > 0 ? new Set(aocs.map((c) => c.id)) : undefined
  let updatedSince: number | undefined
  if (lastUpdatedText) updatedSince = parseLocalTimestamp(lastUpdatedText, ctx.clock.timeZone)?.getTime()
  if (durationMs !== undefined) {
    const since = ctx.clock.now().getTime() - durationMs
    updatedSince = updatedSince === undefined ? since : Math.max(updatedSince, since)
  }
  const updatedSinceText = updatedSince === undefined ? undefined : ctx.clock.timestamp(new Date(updatedSince))
  const periodCache = new Map<string, Period | undefined>()
  const inDateRange = (periodId: string): boolean => {
    if (!hasStartEnd) return true
    let period = periodCache.get(periodId)
    if (!periodCache.has(periodId)) {
      period = parsePeriod(periodId)
      periodCache.set(periodId, period)
    }
    return (
      period !== undefined &&
      period.startDate >= (startDate as string).slice(0, 10) &&
      period.endDate <= (endDate as string).slice(0, 10)
    )
  }

  const deCache = new Map<string, string | undefined>()
  const ouCache = new Map<string, string | undefined>()
  const cocCache = new Map<string, string | undefined>()
  const aocCache = new Map<string, string | undefined>()
  const out = (
    cache: Map<string, string | undefined>,
    id: string,
    find: (id: string) => { id: string; code?: string } | undefined,
    scheme: IdScheme,
  ) => {
    if (scheme === 'UID') return id
    if (!cache.has(id)) cache.set(id, idIn(find(id), scheme, id))
    return cache.get(id)
  }

  const dataValues: Record<string, unknown>[] = []
  const max = limit ?? Number.POSITIVE_INFINITY
  for (const unitId of unitIds) {
    if (dataValues.length >= max) break
    for (const v of ctx.state.dataValues.valuesOf(unitId, periodIds)) {
      if (!elementIds.has(v.dataElement)) continue
      if (v.deleted && !includeDeleted) continue
      if (aocIds && !aocIds.has(v.attributeOptionCombo)) continue
      if (!inDateRange(v.period)) continue
      if (updatedSinceText !== undefined && v.lastUpdated < updatedSinceText) continue
      const row: Record<string, unknown> = {
        dataElement: out(deCache, v.dataElement, (id) => objects.dataElements.byId.get(id), schemes.dataElement),
        period: v.period,
        orgUnit: out(ouCache, v.orgUnit, (id) => objects.organisationUnits.byId.get(id), schemes.orgUnit),
        categoryOptionCombo: out(
          cocCache,
          v.categoryOptionCombo,
          (id) => objects.categoryOptionCombos.byId.get(id),
          schemes.categoryOptionCombo,
        ),
        attributeOptionCombo: out(
          aocCache,
          v.attributeOptionCombo,
          (id) => objects.categoryOptionCombos.byId.get(id),
          schemes.attributeOptionCombo,
        ),
      }
      if (v.value !== '') row.value = v.value
      row.storedBy = v.storedBy
      row.created = v.created
      row.lastUpdated = v.lastUpdated
      if (v.comment !== undefined) row.comment = v.comment
      row.followup = v.followup
      if (includeDeleted) row.deleted = v.deleted
      dataValues.push(row)
      if (dataValues.length >= max) break
    }
  }

  // One data set, one period, one org unit: the header fields and the completion date (isSingleDataValueSet).
  const body: Record<string, unknown> = {}
  const single =
    dataSets.length === 1 && periods.length === 1 && orgUnits.length === 1 && orgUnitGroups.length === 0 && !children
  if (single) {
    const [ds] = dataSets as [(typeof dataSets)[number]]
    const [pe] = periods as [Period]
    const [ou] = orgUnits as [OrganisationUnit]
    body.dataSet = idIn(ds, schemes.dataSet, ds.id)
    const registration = ctx.state.registrations.get(
      registrationKey({
        dataSet: ds.id,
        period: pe.id,
        organisationUnit: ou.id,
        attributeOptionCombo: index.defaultCategoryOptionComboId,
      }),
    )
    if (registration) body.completeDate = registration.date.slice(0, 10)
    body.period = pe.id
    body.orgUnit = idIn(ou, schemes.orgUnit, ou.id)
  }
  body.dataValues = dataValues
  return body
}
