/**
 * Data quality as DHIS2 2.41 serves it (shared/reference/dhis2-setup-ops.md §7; the computations are in
 * ../quality/):
 * - `GET /api/outlierDetection[.json]` — outliers on the data value table (quality/outliers.ts);
 * - `POST /api/dataAnalysis/validationRules` — validation rule analysis → `ValidationResultView[]`
 *   (quality/validation-analysis.ts); `persist: true` keeps the results for `GET /api/validationResults`;
 *   `notification` is accepted and sends nothing (the programme has no validation notification templates);
 * - `GET /api/dataAnalysis/followup`, `POST /api/dataAnalysis/followup/mark`, `PUT /api/dataValues/followup[s]`
 *   (quality/followup.ts).
 * `/outlierDetection` and `/dataAnalysis/*` need ALL or F_RUN_VALIDATION (`@PreAuthorize` → 403 "Access is
 * denied"); the follow-up PUTs and `/validationResults` reads need no authority.
 */
import express, { type Request, type Router } from 'express'
import type { StandinContext } from '../context'
import { HttpError } from '../http/web-message'
import { detectOutliers, parseOutlierRequest, dataQualityMaxLimit } from '../quality/outliers'
import { runValidationAnalysis, violationView } from '../quality/validation-analysis'
import { followupAnalysis, setFollowup, type FollowupChange } from '../quality/followup'
import { parseDate } from '../quality/params'
import { periodOf, dayNumber, daysIn } from '../analytics/periods'
import type { ValidationRule } from '@relais/mappings'
import type { StoredValidationResult } from '../store/state'

const RUN_VALIDATION = 'F_RUN_VALIDATION'

/** Jackson's refusal of a body value of the wrong type (HttpMessageNotReadableException → 400). */
function notReadable(type: string, value: unknown): HttpError {
  return new HttpError(
    400,
    `JSON parse error: Cannot deserialize value of type \`${type}\` from ${typeof value === 'string' ? `String "${value}"` : JSON.stringify(value)}: not a valid \`${type}\` value`,
  )
}

/** A Java `String` field: JSON strings, and numbers / booleans coerced to text; objects refused. */
function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  throw notReadable('java.lang.String', v)
}

function booleanField(body: Record<string, unknown>, name: string, type = 'boolean'): boolean | undefined {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === 'false') return v === 'true'
  throw notReadable(type, v)
}

function integerField(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'string' && /^[+-]?\d{1,10}$/.test(v)) return Number(v)
  throw notReadable('java.lang.Integer', v)
}

const objectBody = (req: Request): Record<string, unknown> => {
  const body: unknown = req.body
  if (
    body === undefined ||
    body === null ||
    (typeof body === 'object' && Object.keys(body).length === 0 && !Array.isArray(body))
  )
    return {}
  if (typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(
      400,
      'JSON parse error: Cannot deserialize value from an array or a scalar: an object is expected',
    )
  return body as Record<string, unknown>
}

export function registerDataQuality(router: Router, ctx: StandinContext): void {
  const json = express.json({ type: () => true, limit: '1mb' })
  const mayRunValidation = (req: Request) => {
    if (!ctx.hasAuthority(ctx.userOf(req), RUN_VALIDATION)) throw new HttpError(403, 'Access is denied')
  }

  router.get(['/outlierDetection', '/outlierDetection.json'], (req, res) => {
    mayRunValidation(req)
    const request = parseOutlierRequest(ctx, req.query as Record<string, unknown>)
    res.json(detectOutliers(ctx, request))
  })

  router.post('/dataAnalysis/validationRules', json, (req, res) => {
    mayRunValidation(req)
    const body = objectBody(req)
    const vrg = stringField(body, 'vrg')
    const ouId = stringField(body, 'ou')
    const startText = stringField(body, 'startDate')
    const endText = stringField(body, 'endDate')
    const persist = booleanField(body, 'persist') ?? false
    booleanField(body, 'notification')
    const maxResultsIn = integerField(body, 'maxResults')
    const objects = ctx.index.metadata.objects
    const group = vrg === undefined ? undefined : (ctx.state.validationRuleGroups ?? []).find((g) => g.id === vrg)
    const orgUnit = ouId === undefined ? undefined : objects.organisationUnits.byId.get(ouId)
    if (!orgUnit) throw new HttpError(400, 'No organisation unit defined')
    const maxResults = maxResultsIn ?? 500
    const limit = dataQualityMaxLimit(ctx)
    if (maxResults <= 0 || maxResults > limit)
      throw new HttpError(400, `Max results must be greater than 0 and less than or equal to ${limit}`)
    // A group that does not exist is null: then every rule is run (DefaultValidationService.newParamsBuilder).
    const rules: ValidationRule[] = group
      ? group.validationRules.flatMap((r) => objects.validationRules.byId.get(r.id) ?? [])
      : ctx.state.metadata.validationRules
    const violations = runValidationAnalysis(ctx, {
      rules,
      orgUnit,
      startDate: isoDay(startText),
      endDate: isoDay(endText),
      maxResults,
    })
    if (persist) persistResults(ctx, violations)
    const locale = ctx.userOf(req).user.settings.keyUiLocale || 'en'
    res.json(violations.map((v) => violationView(ctx, v, locale)))
  })

  router.get('/validationResults', (req, res) => {
    const query = req.query as Record<string, unknown>
    const wanted = (name: string) =>
      [query[name] ?? []]
        .flat()
        .map(String)
        .flatMap((s) => s.split(','))
        .filter(Boolean)
    const ou = wanted('ou')
    const vr = wanted('vr')
    const pe = wanted('pe')
    const found = (ctx.state.validationResults ?? []).filter(
      (r) =>
        (ou.length === 0 || ou.includes(r.organisationUnit)) &&
        (vr.length === 0 || vr.includes(r.validationRule)) &&
        (pe.length === 0 || pe.includes(r.period)),
    )
    const render = (r: StoredValidationResult) => ({
      id: r.id,
      created: r.created,
      validationRule: { id: r.validationRule },
      period: { id: r.period },
      organisationUnit: { id: r.organisationUnit },
      attributeOptionCombo: { id: r.attributeOptionCombo },
      leftsideValue: r.leftsideValue,
      rightsideValue: r.rightsideValue,
      dayInPeriod: r.dayInPeriod,
      notificationSent: r.notificationSent,
    })
    if (String(query.skipPaging) === 'true' || String(query.paging) === 'false')
      return res.json({ validationResults: found.map(render) })
    const pageSize = Math.min(Math.max(1, Number(query.pageSize ?? 50) || 50), 100000)
    const page = Math.max(1, Number(query.page ?? 1) || 1)
    res.set('Cache-Control', 'no-store').json({
      pager: { page, pageCount: Math.max(1, Math.ceil(found.length / pageSize)), total: found.length, pageSize },
      validationResults: found.slice((page - 1) * pageSize, page * pageSize).map(render),
    })
  })

  router.get('/dataAnalysis/followup', (req, res) => {
    mayRunValidation(req)
    res.json(followupAnalysis(ctx, ctx.userOf(req), req.query as Record<string, unknown>))
  })

  /**
   * `{followups:[{dataElementId, periodId, organisationUnitId, categoryOptionComboId, attributeOptionComboId,
   * followup}]}` with DHIS2's *internal database ids* (ints), which the stand-in does not have: every entry
   * is checked for shape and matches no value, as an unknown id does in DHIS2 (204, nothing changes). Use
   * `PUT /api/dataValues/followup`, which takes UIDs.
   */
  router.post('/dataAnalysis/followup/mark', json, (req, res) => {
    mayRunValidation(req)
    const body = objectBody(req)
    const followups = body.followups
    if (followups !== undefined && followups !== null && !Array.isArray(followups))
      throw notReadable('java.util.ArrayList<org.hisp.dhis.dataanalysis.FollowupParams>', followups)
    for (const f of (followups as unknown[] | undefined) ?? []) {
      if (typeof f !== 'object' || f === null) throw notReadable('org.hisp.dhis.dataanalysis.FollowupParams', f)
      const entry = f as Record<string, unknown>
      for (const k of [
        'dataElementId',
        'periodId',
        'organisationUnitId',
        'categoryOptionComboId',
        'attributeOptionComboId',
      ])
        if (entry[k] !== undefined && !(typeof entry[k] === 'number' && Number.isInteger(entry[k])))
          throw notReadable('int', entry[k])
    }
    res.status(204).end()
  })

  const followupOf = (raw: unknown): FollowupChange => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw notReadable('org.hisp.dhis.webapi.webdomain.DataValueFollowUpRequest', raw)
    const change = raw as Record<string, unknown>
    const followup = booleanField(change, 'followup', 'java.lang.Boolean')
    return { ...change, followup }
  }

  router.put('/dataValues/followup', json, (req, res) => {
    const user = ctx.userOf(req)
    const change = followupOf(objectBody(req))
    if (change.followup === undefined) throw new HttpError(409, 'Follow-up must be specified', 'E2033')
    setFollowup(ctx, user, change)
    res.status(200).end()
  })

  router.put('/dataValues/followups', json, (req, res) => {
    const user = ctx.userOf(req)
    const values = objectBody(req).values
    if (values !== undefined && values !== null && !Array.isArray(values))
      throw notReadable('java.util.ArrayList<org.hisp.dhis.webapi.webdomain.DataValueFollowUpRequest>', values)
    const changes = ((values as unknown[] | undefined) ?? []).map(followupOf)
    if (changes.length === 0 || changes.some((c) => c.followup === undefined))
      throw new HttpError(409, 'Follow-up must be specified', 'E2033')
    // Each one is checked and set in turn: an error stops at that entry, the earlier ones stay set.
    for (const change of changes) setFollowup(ctx, user, change)
    res.status(200).end()
  })
}

/** `I18nFormat.parseDate` (`yyyy-MM-dd`, strict: it must format back to the same text), else undefined. */
function isoDay(text: string | undefined): string | undefined {
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined
  return parseDate(text) === undefined ? undefined : text
}

/** `persistResults`: new results are stored, ones already stored (same rule, period, org unit, AOC) are kept. */
function persistResults(ctx: StandinContext, violations: ReturnType<typeof runValidationAnalysis>): void {
  const stored = (ctx.state.validationResults ??= [])
  const keyOf = (
    r: Pick<StoredValidationResult, 'validationRule' | 'period' | 'organisationUnit' | 'attributeOptionCombo'>,
  ) => `${r.validationRule}|${r.period}|${r.organisationUnit}|${r.attributeOptionCombo}`
  const known = new Set(stored.map(keyOf))
  const today = ctx.clock.today()
  for (const v of violations) {
    const result: StoredValidationResult = {
      id: stored.length + 1,
      created: ctx.clock.timestamp(),
      validationRule: v.rule.id,
      period: v.period,
      organisationUnit: v.orgUnit.id,
      attributeOptionCombo: v.attributeOptionCombo,
      leftsideValue: v.leftSideValue,
      rightsideValue: v.rightSideValue,
      dayInPeriod: dayInPeriod(v.period, today),
      notificationSent: false,
    }
    if (known.has(keyOf(result))) continue
    known.add(keyOf(result))
    stored.push(result)
  }
}

/** `PeriodService.getDayInPeriod`: days from the period's start to today, within 0…length. */
function dayInPeriod(pe: string, today: string): number {
  const period = periodOf(pe)
  if (!period) return 0
  return Math.min(Math.max(0, dayNumber(today) - dayNumber(period.startDate)), daysIn(period))
}
