/**
 * Values marked for follow-up, as DHIS2 2.41 lists and marks them:
 * - `GET /api/dataAnalysis/followup` (core@2.41 `WEBAPI/controller/DataAnalysisController`,
 *   `validation/…/dataanalysis/DefaultFollowupAnalysisService.validate`, `FollowupValueManager`,
 *   `API/dataanalysis/FollowupAnalysisRequest|Response|Metadata`, `FollowupValue`): `de` (or `ds` → their
 *   numeric elements), `coc` (default: every option combo of the elements' category combos), `ou` (sub-trees),
 *   `startDate`+`endDate` or `pe`, `maxResults` (default 50, at most 10,000). Errors E2300, E2203, E2301,
 *   E2202 (start not *before* end), E2205, E2206. The HQL has no ORDER BY; the stand-in orders by period
 *   start, org unit path, data element and option combos.
 * - `PUT /api/dataValues/followup` `{dataElement, period, orgUnit, categoryOptionCombo?, attributeOptionCombo?,
 *   followup}` and `PUT /api/dataValues/followups` `{values:[…]}` (`DataValueController.setDataValueFollowUp`,
 *   `DataValidator.getAndValidateDataValueFollowUp`): no follow-up → E2033; unknown element E1100, org unit
 *   E1102, org unit outside the user's capture hierarchy E2020, option combo E1103; no such value E2032;
 *   then the value's `followup` and `lastUpdated` change (`DefaultDataValueService.updateDataValue`). 200, no body.
 */
import type { StandinContext, AuthUser } from '../context'
import { periodOf } from '../analytics/periods'
import { periodName } from '@relais/mappings'
import type { DataValueRecord } from '../store/data-values'
import { dateParam, illegalQuery, list, scalar } from './params'
import { HttpError } from '../http/web-message'

/** `FollowupValueManager.DATA_ELEMENT_UIDS_BY_DATA_SET_UIDS_HQL`'s value types. */
const FOLLOWUP_NUMERIC = new Set([
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
  'NUMBER',
  'UNIT_INTERVAL',
  'PERCENTAGE',
])
const MAX_LIMIT = 10_000

/** `maxResults` is a primitive `int`: a bad value says so (CrudControllerAdvice, primitive branch). */
function intParam(query: Record<string, unknown>, name: string): number | undefined {
  const raw = scalar(query, name)
  if (raw === undefined) return undefined
  if (!/^[+-]?\d{1,10}$/.test(raw.trim()) || Math.abs(Number(raw)) > 2147483647)
    throw new HttpError(400, `Value '${raw}' is not valid for parameter ${name}. It should be of type int`)
  return Number(raw)
}

export function followupAnalysis(ctx: StandinContext, user: AuthUser, query: Record<string, unknown>) {
  // Binding (400s) first.
  let de: string[] | undefined = list(query, 'de')
  const ds = list(query, 'ds')
  let coc: string[] | undefined = list(query, 'coc')
  const ou = list(query, 'ou')
  const pe = scalar(query, 'pe')
  let startDate = dateParam(query, 'startDate')
  let endDate = dateParam(query, 'endDate')
  const maxResults = intParam(query, 'maxResults') ?? 50

  // DefaultFollowupAnalysisService.validate
  if (de.length === 0 && ds.length === 0) throw illegalQuery('E2300')
  if (ou.length === 0) throw illegalQuery('E2203')
  if ((startDate === undefined || endDate === undefined) && pe === undefined) throw illegalQuery('E2301')
  if (startDate !== undefined && endDate !== undefined && !(startDate < endDate)) throw illegalQuery('E2202')
  if (maxResults <= 0) throw illegalQuery('E2205')
  if (maxResults > MAX_LIMIT) throw illegalQuery('E2206', MAX_LIMIT)

  // FollowupValueManager.getFollowupDataValues (it fills the request in: the metadata shows what was used).
  const objects = ctx.index.metadata.objects
  if (de.length === 0) {
    de = ds.flatMap((id) =>
      (objects.dataSets.byId.get(id)?.dataSetElements ?? [])
        .map((e) => objects.dataElements.byId.get(e.dataElement.id))
        .filter((d) => d !== undefined && FOLLOWUP_NUMERIC.has(d.valueType))
        .map((d) => d!.id),
    )
  }
  if (de.length > 0 && coc.length === 0) {
    const combos = new Set(de.map((id) => objects.dataElements.byId.get(id)?.categoryCombo.id))
    coc = ctx.state.metadata.categoryOptionCombos.filter((c) => combos.has(c.categoryCombo.id)).map((c) => c.id)
  }
  if (pe !== undefined && (startDate === undefined || endDate === undefined)) {
    const period = periodOf(pe)
    // DHIS2 2.41 dereferences a null period here (500); the stand-in answers E1101 instead of crashing.
    if (!period) throw new HttpError(409, `Period is invalid: \`${pe}\``, 'E1101')
    startDate ??= `${period.startDate}T00:00:00.000`
    endDate ??= `${period.endDate}T00:00:00.000`
  }
  const metadata = {
    de,
    coc,
    ou,
    ...(startDate !== undefined ? { startDate } : {}),
    ...(endDate !== undefined ? { endDate } : {}),
    maxResults,
  }
  if (de.length === 0 || coc.length === 0) return { metadata, followupValues: [] }

  const wantedDe = new Set(de)
  const wantedCoc = new Set(coc)
  const roots = ou.flatMap((id) => objects.organisationUnits.byId.get(id) ?? [])
  const units = ctx.state.metadata.organisationUnits.filter((o) => roots.some((r) => o.path.startsWith(r.path)))
  const start = startDate ?? ''
  const end = endDate ?? ''
  const locale = user.user.settings.keyUiLocale?.startsWith('fr') ? 'fr' : 'en'
  const ranges = new Map<string, { min: number; max: number }>()
  for (const r of ctx.state.minMaxValues ?? [])
    ranges.set(`${r.dataElement}.${r.orgUnit}.${r.optionCombo}`, { min: r.minValue, max: r.maxValue })

  const rows: { v: DataValueRecord; path: string; ouName: string; startDate: string; endDate: string; type: string }[] =
    []
  for (const unit of units) {
    for (const v of ctx.state.dataValues.valuesOf(unit.id)) {
      if (!v.followup || v.deleted || !wantedDe.has(v.dataElement) || !wantedCoc.has(v.categoryOptionCombo)) continue
      const period = periodOf(v.period)
      if (!period || `${period.startDate}T00:00:00.000` < start || `${period.endDate}T00:00:00.000` > end) continue
      rows.push({
        v,
        path: unit.path,
        ouName: unit.name,
        startDate: period.startDate,
        endDate: period.endDate,
        type: period.periodType,
      })
    }
  }
  rows.sort(
    (a, b) =>
      a.startDate.localeCompare(b.startDate) ||
      a.path.localeCompare(b.path) ||
      a.v.dataElement.localeCompare(b.v.dataElement) ||
      a.v.categoryOptionCombo.localeCompare(b.v.categoryOptionCombo) ||
      a.v.attributeOptionCombo.localeCompare(b.v.attributeOptionCombo),
  )
  const name = (id: string) => objects.categoryOptionCombos.byId.get(id)?.name ?? ''
  const followupValues = rows.slice(0, maxResults).map(({ v, path, ouName, startDate: s, endDate: e, type }) => {
    const range = ranges.get(`${v.dataElement}.${v.orgUnit}.${v.categoryOptionCombo}`)
    const period = periodOf(v.period)
    return {
      de: v.dataElement,
      deName: objects.dataElements.byId.get(v.dataElement)?.name ?? '',
      peType: type,
      peStartDate: `${s}T00:00:00.000`,
      peEndDate: `${e}T00:00:00.000`,
      peName: period ? periodName(period, locale) : v.period,
      ou: v.orgUnit,
      ouName,
      ouPath: path,
      coc: v.categoryOptionCombo,
      cocName: name(v.categoryOptionCombo),
      aoc: v.attributeOptionCombo,
      aocName: name(v.attributeOptionCombo),
      value: v.value,
      storedBy: v.storedBy,
      lastUpdated: v.lastUpdated,
      created: v.created,
      ...(v.comment !== undefined ? { comment: v.comment } : {}),
      ...(range ? { min: range.min, max: range.max } : {}),
      pe: v.period,
    }
  })
  return { metadata, followupValues }
}

export interface FollowupChange {
  dataElement?: unknown
  period?: unknown
  orgUnit?: unknown
  categoryOptionCombo?: unknown
  attributeOptionCombo?: unknown
  followup?: unknown
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** `DataValidator.getAndValidateDataValueFollowUp` then the update; returns nothing (200, no body). */
export function setFollowup(ctx: StandinContext, user: AuthUser, change: FollowupChange): void {
  const objects = ctx.index.metadata.objects
  const deId = text(change.dataElement)
  if (!deId || !objects.dataElements.byId.has(deId)) throw illegalQuery('E1100', String(deId ?? null))
  const period = text(change.period)
  const ouId = text(change.orgUnit)
  const orgUnit = ouId ? objects.organisationUnits.byId.get(ouId) : undefined
  if (!orgUnit) throw illegalQuery('E1102', String(ouId ?? null))
  if (!user.isSuperuser && !ctx.isWithinAny(orgUnit, user.captureOrgUnits)) throw illegalQuery('E2020', orgUnit.id)
  const defaultCombo = ctx.state.metadata.categoryOptionCombos.find((c) => c.name === 'default')?.id ?? ''
  const comboOf = (raw: unknown) => {
    const id = text(raw)
    if (id === undefined) return defaultCombo
    if (!objects.categoryOptionCombos.byId.has(id)) throw illegalQuery('E1103', id)
    return id
  }
  const coc = comboOf(change.categoryOptionCombo)
  const aoc = comboOf(change.attributeOptionCombo)
  const key = {
    dataElement: deId,
    period: period ?? '',
    orgUnit: orgUnit.id,
    categoryOptionCombo: coc,
    attributeOptionCombo: aoc,
  }
  const existing = period && periodOf(period) ? ctx.state.dataValues.get(key) : undefined
  if (!existing || existing.deleted) throw illegalQuery('E2032')
  ctx.state.dataValues.set(key, { ...existing, followup: change.followup === true, lastUpdated: ctx.clock.timestamp() })
}
