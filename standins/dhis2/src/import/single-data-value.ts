/**
 * `/api/dataValues` (one value: `de, pe, ou, co, cc, cp, ds, value, comment, followUp`) without the
 * HTTP (web-api §3; core@2.41 `DataValueController` + `DataValidator`). The checks are the shared
 * import rules of `@relais/mappings`; their conflicts are reported with the error codes and texts the
 * single-value controller uses (`IllegalQueryException` → 409 with `errorCode`): E1100–E1105 for
 * unknown objects, E2020 hierarchy, E2017 locked, E2022 future period, E2028 comment, E2030 value
 * type, E2032 no such value. Rules that have no single-value counterpart keep their E76xx code.
 *
 * Unlike the bulk import, a POST only changes what it sends: no `value` keeps the stored value (so a
 * comment or follow-up can be set alone); the result with neither value nor comment, or an
 * insignificant zero, soft-deletes the value.
 */
import {
  createDataValueValidator,
  parsePeriod,
  type DataValueConflict,
  type DataValueValidator,
  type ResolvedDataValue,
} from '@relais/mappings'
import type { AuthUser, StandinContext } from '../context'
import { HttpError } from '../http/web-message'
import { storedValue, type DataValueKey } from '../store/data-values'
import { ruleUserOf, stringParam } from './common'
import { attributeOptionComboOf } from './complete-registrations'

const SINGLE_ERRORS: Record<string, string> = {
  E1100: 'Data element not found or not accessible: `{0}`',
  E1101: 'Period is invalid: `{0}`',
  E1102: 'Organisation unit not found or not accessible: `{0}`',
  E1103: 'Category option combo not found or not accessible: `{0}`',
  E1104: 'Attribute option combo not found or not accessible: `{0}`',
  E1105: 'Data set not found or not accessible: `{0}`',
  E2017: 'Data set is locked',
  E2020: 'Organisation unit is not in the hierarchy of the current user: `{0}`',
  E2022: 'Period: `{0}` is after latest open future period: `{1}` for data element: `{2}`',
  E2028: 'Comment is invalid: `{0}`',
  E2030: 'Data value must match data element value type: `{0}`',
  E2031: 'User does not have write access to category option combo: `{0}`',
  E2032: 'Data value not found or not accessible',
  E2040: 'Both category combination and category options must be specified',
  E2041: 'Attribute option combo does not exist for given category combo and category options',
}

function illegal(code: keyof typeof SINGLE_ERRORS, ...args: (string | null | undefined)[]): HttpError {
  const text = (SINGLE_ERRORS[code] ?? code).replace(/\{(\d)\}/g, (_m, n: string) => args[Number(n)] ?? 'null')
  return new HttpError(409, text, code)
}

export interface SingleValueParams {
  de?: string
  pe?: string
  ou?: string
  co?: string
  cc?: string
  cp?: string
  ds?: string
  value?: string
  comment?: string
  followUp?: string
}

/** Reads the parameters from the query, a form body or a JSON body (`dataElement`, `period`… names). */
export function singleValueParams(query: Record<string, unknown>, body: unknown): SingleValueParams {
  const source: Record<string, unknown> = { ...query }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>
    const alias: Record<string, string> = {
      dataElement: 'de',
      period: 'pe',
      orgUnit: 'ou',
      categoryOptionCombo: 'co',
      dataSet: 'ds',
      followup: 'followUp',
    }
    for (const [k, v] of Object.entries(b))
      if (v !== undefined && v !== null) source[alias[k] ?? k] = typeof v === 'object' ? v : String(v)
    const attribute = b.attribute as { combo?: string; options?: string[] } | undefined
    if (attribute && typeof attribute === 'object') {
      if (attribute.combo) source.cc = attribute.combo
      if (Array.isArray(attribute.options)) source.cp = attribute.options.join(';')
    }
  }
  const out: SingleValueParams = {}
  for (const name of ['de', 'pe', 'ou', 'co', 'cc', 'cp', 'ds', 'value', 'comment', 'followUp'] as const) {
    const v = stringParam(source, name)
    if (v !== undefined) out[name] = v
  }
  return out
}

/** Maps a shared-rule conflict to the single-value controller's error. */
function toSingleError(
  conflict: DataValueConflict,
  params: SingleValueParams,
  validator: DataValueValidator,
  ctx: StandinContext,
): HttpError {
  switch (conflict.errorCode) {
    case 'E7600':
      return illegal('E1105', params.ds)
    case 'E7610':
      return illegal('E1100', params.de)
    case 'E7611':
      return illegal('E1101', params.pe)
    case 'E7612':
      return illegal('E1102', params.ou)
    case 'E7613':
      return illegal('E1103', params.co)
    case 'E7615':
      return illegal('E1104', conflict.object)
    // DataValidator.checkCategoryOptionComboAccess: the combo and the access manager's list of errors.
    case 'E7614':
    case 'E7616':
      return illegal(
        'E2031',
        `${conflict.objects.categoryOptionCombo} [User has no data write access for CategoryOption: ${conflict.objects.categoryOption}]`,
      )
    case 'E7617':
      return illegal('E2020', params.ou)
    case 'E7619':
      return illegal('E2030', conflict.objects.value)
    case 'E7620':
      return illegal('E2028', conflict.objects.comment)
    case 'E7640':
      return illegal('E2017')
    case 'E7641': {
      const ds = ctx.index.metadata.objects.dataSets.byId.get(conflict.objects.dataSet ?? '')
      return illegal('E2022', params.pe, ds ? validator.latestOpenPeriod(ds).id : null, params.de)
    }
    default:
      return new HttpError(409, conflict.message, conflict.errorCode)
  }
}

interface Resolved {
  key: DataValueKey
  checked: ResolvedDataValue
}

function resolve(ctx: StandinContext, user: AuthUser, params: SingleValueParams, value: string | null): Resolved {
  const index = ctx.index.metadata
  if (params.ds && !index.objects.dataSets.byId.get(params.ds)) throw illegal('E1105', params.ds)
  let aocId: string | undefined
  if (params.cc || params.cp) {
    if (!params.cc || !params.cp) throw illegal('E2040')
    const aoc = attributeOptionComboOf(index, params.cc, params.cp)
    if (!aoc) throw illegal('E2041')
    aocId = aoc.id
  }
  const now = ctx.clock.timestamp()
  const validator = createDataValueValidator({
    index,
    user: ruleUserOf(user, ctx),
    now,
    context: {
      dataSet: params.ds ? index.objects.dataSets.byId.get(params.ds) : undefined,
      raw: { dataSet: params.ds },
    },
  })
  const checked = validator.check({
    dataElement: params.de ?? null,
    period: params.pe ?? null,
    orgUnit: params.ou ?? null,
    categoryOptionCombo: params.co ?? null,
    attributeOptionCombo: aocId ?? null,
    value,
    comment: params.comment ?? null,
  })
  if (!checked.ok) throw toSingleError(checked.conflict, params, validator, ctx)
  return {
    checked,
    key: {
      dataElement: checked.dataElement,
      period: checked.period,
      orgUnit: checked.orgUnit,
      categoryOptionCombo: checked.categoryOptionCombo,
      attributeOptionCombo: checked.attributeOptionCombo,
    },
  }
}

/** POST: create, update, or soft-delete one value. */
export function saveSingleDataValue(ctx: StandinContext, user: AuthUser, params: SingleValueParams): void {
  // Without a value only the comment / follow-up change: validate the comment with a blank value.
  const { key, checked } = resolve(ctx, user, params, params.value ?? '')
  const store = ctx.state.dataValues
  const now = ctx.clock.timestamp()
  const existing = store.get(key)
  const username = user.user.username
  const followUp = params.followUp === undefined ? undefined : params.followUp.toLowerCase() === 'true'
  if (!existing || existing.deleted) {
    if ((checked.value === null && checked.comment === null) || checked.zeroInsignificant) return
    store.set(
      key,
      storedValue(checked.value, checked.comment, followUp ?? false, false, username, existing?.created ?? now, now),
    )
    return
  }
  const value = params.value !== undefined ? checked.value : existing.value === '' ? null : existing.value
  const comment = params.comment !== undefined ? checked.comment : (existing.comment ?? null)
  const followup = followUp ?? existing.followup
  const deleted = (value === null && comment === null) || (params.value !== undefined && checked.zeroInsignificant)
  store.set(
    key,
    storedValue(
      deleted ? (value ?? existing.value) : value,
      comment,
      followup,
      deleted,
      username,
      existing.created,
      now,
    ),
  )
}

/** GET: `["<value>"]`, or 409 E2032 when there is no live value. */
export function getSingleDataValue(ctx: StandinContext, user: AuthUser, params: SingleValueParams): string[] {
  const { key } = resolveForRead(ctx, user, params)
  const existing = ctx.state.dataValues.get(key)
  if (!existing || existing.deleted) throw illegal('E2032')
  return [existing.value]
}

/** DELETE: soft-deletes a live value (locked periods refused like a write). */
export function deleteSingleDataValue(ctx: StandinContext, user: AuthUser, params: SingleValueParams): void {
  const { key } = resolve(ctx, user, { ...params, comment: undefined }, '')
  const store = ctx.state.dataValues
  const existing = store.get(key)
  if (!existing || existing.deleted) throw illegal('E2032')
  const now = ctx.clock.timestamp()
  store.set(key, { ...existing, deleted: true, lastUpdated: now, storedBy: user.user.username })
}

/** Reading needs the objects and the data view hierarchy only (no expiry or future checks). */
function resolveForRead(ctx: StandinContext, user: AuthUser, params: SingleValueParams): { key: DataValueKey } {
  const index = ctx.index.metadata
  const objects = index.objects
  const de = params.de ? objects.dataElements.byId.get(params.de) : undefined
  if (!de) throw illegal('E1100', params.de)
  const pe = params.pe ? parsePeriod(params.pe) : undefined
  if (!pe) throw illegal('E1101', params.pe)
  const ou = params.ou ? objects.organisationUnits.byId.get(params.ou) : undefined
  if (!ou) throw illegal('E1102', params.ou)
  const coc = params.co
    ? objects.categoryOptionCombos.byId.get(params.co)
    : objects.categoryOptionCombos.byId.get(index.defaultCategoryOptionComboId)
  if (!coc) throw illegal('E1103', params.co)
  let aocId = index.defaultCategoryOptionComboId
  if (params.cc || params.cp) {
    if (!params.cc || !params.cp) throw illegal('E2040')
    const aoc = attributeOptionComboOf(index, params.cc, params.cp)
    if (!aoc) throw illegal('E2041')
    aocId = aoc.id
  }
  if (!ctx.isWithinAny(ou, user.viewOrgUnits)) throw illegal('E2020', ou.id)
  return {
    key: {
      dataElement: de.id,
      period: pe.id,
      orgUnit: ou.id,
      categoryOptionCombo: coc.id,
      attributeOptionCombo: aocId,
    },
  }
}
