/**
 * Min–max values as DHIS2 keeps them (core `MinMaxDataElementController`, `dataentry/MinMaxValueController`,
 * `DefaultMinMaxDataElementService`): one range per org unit × data element × category option combo, set by
 * hand or generated. The entry app reads an RC's ranges to ask about a number outside them.
 * - GET  /minMaxDataElements?filter=source.id:eq:…&paging=false → `{pager?, minMaxDataElements:[{source:{id},
 *   dataElement:{id}, optionCombo:{id}, min, max, generated}]}`; filters on `source.id`, `dataElement.id`,
 *   `optionCombo.id` with `eq` or `in`.
 * - POST /minMaxDataElements (201) and POST /dataEntry/minMaxValues (200) upsert one range; DELETE removes it
 *   (404 E2047 when there is none). Writing needs F_MINMAX_DATAELEMENT_ADD; min must be below max (E2044).
 */
import express, { type Request, type Router } from 'express'
import { badRequest, forbidden, HttpError, notFound } from '../http/web-message'
import type { StandinContext } from '../context'
import type { MinMaxValue } from '../store/state'

const AUTHORITY = 'F_MINMAX_DATAELEMENT_ADD'
const FILTERABLE: Record<string, keyof MinMaxValue> = {
  'source.id': 'orgUnit',
  'dataElement.id': 'dataElement',
  'optionCombo.id': 'optionCombo',
}

const render = (v: MinMaxValue) => ({
  source: { id: v.orgUnit },
  dataElement: { id: v.dataElement },
  optionCombo: { id: v.optionCombo },
  min: v.minValue,
  max: v.maxValue,
  generated: v.generated,
})

/** DHIS2's `in` list: `[a,b]` or `a,b`. */
const listOf = (text: string) =>
  text
    .replace(/^\[|\]$/g, '')
    .split(',')
    .filter(Boolean)

function matcher(filters: string[]): (v: MinMaxValue) => boolean {
  const tests = filters.map((filter) => {
    const parts = filter.split(':')
    if (parts.length !== 3) throw new HttpError(400, `Invalid filter: ${filter}`)
    const [path = '', operator, value = ''] = parts
    const field = FILTERABLE[path]
    if (!field) throw new HttpError(400, `Invalid path property: ${path.split('.')[0]}`)
    if (operator === 'eq') return (v: MinMaxValue) => v[field] === value
    if (operator === 'in') {
      const wanted = new Set(listOf(value))
      return (v: MinMaxValue) => wanted.has(String(v[field]))
    }
    throw new HttpError(400, `Query failed because of a syntax error (Invalid filter operator: ${operator})`, 'E2014')
  })
  return (v) => tests.every((test) => test(v))
}

const uidOf = (raw: unknown): string | undefined =>
  typeof raw === 'string' ? raw : typeof raw === 'object' && raw !== null ? (raw as { id?: string }).id : undefined
const intOf = (raw: unknown): number | undefined => (Number.isInteger(raw) ? (raw as number) : undefined)

export function registerMinMax(router: Router, ctx: StandinContext): void {
  const json = express.json({ type: () => true, limit: '64kb' })
  const ranges = () => (ctx.state.minMaxValues ??= [])
  const sameKey = (a: MinMaxValue, b: Pick<MinMaxValue, 'orgUnit' | 'dataElement' | 'optionCombo'>) =>
    a.orgUnit === b.orgUnit && a.dataElement === b.dataElement && a.optionCombo === b.optionCombo
  const mayWrite = (req: Request) => {
    if (!ctx.hasAuthority(ctx.userOf(req), AUTHORITY))
      throw forbidden(`Access is denied, requires one Authority from [${AUTHORITY}]`)
  }

  /** The key of a body, checked as `validateValueId` does: each part must name an existing object. */
  const keyOf = (body: Record<string, unknown>) => {
    const dataElement = uidOf(body.dataElement)
    const orgUnit = uidOf(body.orgUnit ?? body.source)
    const optionCombo = uidOf(body.categoryOptionCombo ?? body.optionCombo)
    if (!dataElement) throw badRequest('Data element not found or not accessible: `null`', 'E1100')
    if (!orgUnit) throw badRequest('Organisation unit not found or not accessible: `null`', 'E1102')
    if (!optionCombo) throw badRequest('Category option combo not found or not accessible: `null`', 'E1103')
    return { dataElement, orgUnit, optionCombo }
  }
  const keyText = (k: ReturnType<typeof keyOf>) =>
    `MinMaxValueKey[dataElement=${k.dataElement}, orgUnit=${k.orgUnit}, optionCombo=${k.optionCombo}]`
  const exists = (k: ReturnType<typeof keyOf>) => {
    const objects = ctx.index.metadata.objects
    return (
      objects.dataElements.byId.has(k.dataElement) &&
      objects.organisationUnits.byId.has(k.orgUnit) &&
      objects.categoryOptionCombos.byId.has(k.optionCombo)
    )
  }

  const upsert = (req: Request) => {
    mayWrite(req)
    const body = (req.body ?? {}) as Record<string, unknown>
    const key = keyOf(body)
    const minValue = intOf(body.minValue ?? body.min)
    const maxValue = intOf(body.maxValue ?? body.max)
    if (minValue === undefined) throw badRequest(`Min value must be specified: \`${keyText(key)}\``, 'E2042')
    if (maxValue === undefined) throw badRequest(`Max value must be specified: \`${keyText(key)}\``, 'E2043')
    if (minValue >= maxValue) throw badRequest(`Max value must be greater than min value: \`${keyText(key)}\``, 'E2044')
    // The store's upsert joins on the three ids: one that does not exist inserts nothing, hence E2047.
    if (!exists(key)) throw badRequest(`Data value key combination does not exist: ${keyText(key)}`, 'E2047')
    const value: MinMaxValue = { ...key, minValue, maxValue, generated: body.generated === true }
    const list = ranges()
    const at = list.findIndex((v) => sameKey(v, key))
    if (at >= 0) list[at] = value
    else list.push(value)
  }

  const remove = (req: Request) => {
    mayWrite(req)
    const body = (req.body ?? {}) as Record<string, unknown>
    const query = req.query as Record<string, unknown>
    const key = keyOf(
      Object.keys(body).length > 0 ? body : { dataElement: query.de, orgUnit: query.ou, optionCombo: query.co },
    )
    const list = ranges()
    const at = list.findIndex((v) => sameKey(v, key))
    if (at < 0) throw notFound(`Data value key combination does not exist: ${keyText(key)}`, 'E2047')
    list.splice(at, 1)
  }

  router.get('/minMaxDataElements', (req, res) => {
    const filters = [req.query.filter ?? []].flat().map(String)
    const found = ranges().filter(matcher(filters))
    if (String(req.query.paging) === 'false') return res.json({ minMaxDataElements: found.map(render) })
    const pageSize = Math.max(1, Number(req.query.pageSize ?? 50) || 50)
    const page = Math.max(1, Number(req.query.page ?? 1) || 1)
    const pageCount = Math.max(1, Math.ceil(found.length / pageSize))
    res.json({
      pager: { page, pageCount, total: found.length, pageSize },
      minMaxDataElements: found.slice((page - 1) * pageSize, page * pageSize).map(render),
    })
  })
  router.post('/minMaxDataElements', json, (req, res) => {
    upsert(req)
    res.status(201).end()
  })
  router.delete('/minMaxDataElements', json, (req, res) => {
    remove(req)
    res.status(204).end()
  })
  router.post('/dataEntry/minMaxValues', json, (req, res) => {
    upsert(req)
    res.status(200).end()
  })
  router.delete('/dataEntry/minMaxValues', json, (req, res) => {
    remove(req)
    res.status(204).end()
  })
}
