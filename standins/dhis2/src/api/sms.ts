/**
 * `/api/sms/outbound` as DHIS2 2.41 answers it (web-api §7; core@2.41 `SmsOutboundController`,
 * `SmsMessageSender`, `SmsOutboundControllerTest`): POST JSON `{message, recipients}` or
 * `?recipient=…&message=…`, authority ALL or F_MOBILE_SENDSMS (else 403 "Access is denied", the
 * Spring Security 5 text of a `@PreAuthorize` denial), 409 `Recipient must be specified` /
 * `Message must be specified` (query form), 500 `No recipient found`, 500
 * `No default gateway configured` while no gateway is configured (`state.smsGatewayConfigured`,
 * switched by `POST /api/testing/sms-gateway`), else the message is kept and 200 `SMS sent`.
 * GET lists what was sent (`outboundSmss`, the dynamic schema's plural; filters `eq`, `like`, `ilike`, `in`),
 * DELETE removes. A test may change a message's status as a gateway's delivery report would
 * (`POST /api/testing/sms-outbound/status`).
 */
import express, { type Request, type Router } from 'express'
import { generateUid } from '@relais/mappings'
import { HttpError, sendWebMessage } from '../http/web-message'
import type { StandinContext } from '../context'
import { parseFields, renderObject } from '../query/fields'
import type { OutboundSms } from '../store/state'
import { createRenderContext } from '../query/render-context'

const NO_GATEWAY = 'No default gateway configured'
const TOO_LONG = 'Sms text message is longer than the allowed max length for the default or gateway configuration'

function isJson(req: Request): boolean {
  return req.get('content-type')?.split(';')[0]?.trim().toLowerCase() === 'application/json'
}

function queryValues(req: Request, name: string): string[] {
  const v = req.query[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

/** SmsUtils.removePhoneNumberPrefix: "+229…" and "00229…" become "229…". */
const normalise = (phone: string) => phone.trim().replace(/^\+/, '').replace(/^00/, '')

export function registerSms(router: Router, ctx: StandinContext): void {
  const text = express.text({ type: () => true, limit: '5mb' })

  router.post('/sms/outbound', text, (req, res) => {
    const user = ctx.userOf(req)
    if (!ctx.hasAuthority(user, 'F_MOBILE_SENDSMS')) throw new HttpError(403, 'Access is denied')
    let message: string
    let recipients: string[]
    if (isJson(req)) {
      let body: { message?: unknown; recipients?: unknown }
      try {
        body = (JSON.parse(typeof req.body === 'string' && req.body ? req.body : '{}') ?? {}) as typeof body
      } catch (error) {
        throw new HttpError(409, (error as Error).message)
      }
      const list = Array.isArray(body.recipients) ? body.recipients : []
      recipients = list
        .map((r) =>
          typeof r === 'string'
            ? r
            : typeof r === 'object' && r !== null
              ? String((r as { id?: unknown }).id ?? '')
              : String(r),
        )
        .filter((r) => r.length > 0)
      message = typeof body.message === 'string' ? body.message : ''
    } else {
      // @RequestParam String recipient, message: a missing one has no handler in 2.41 → catch-all 500.
      for (const name of ['recipient', 'message']) {
        if (typeof req.query[name] !== 'string') {
          throw new HttpError(
            500,
            `Required request parameter '${name}' for method parameter type String is not present`,
          )
        }
      }
      const recipient = String(req.query.recipient)
      message = String(req.query.message)
      if (recipient.length === 0) throw new HttpError(409, 'Recipient must be specified')
      if (message.length === 0) throw new HttpError(409, 'Message must be specified')
      recipients = [recipient]
    }
    if (recipients.length === 0) throw new HttpError(500, 'No recipient found')
    if (!ctx.state.smsGatewayConfigured) throw new HttpError(500, NO_GATEWAY)
    if (message.length === 0) throw new HttpError(409, 'Message must be specified')
    const maxLength = Number(ctx.state.systemSettings.keySmsMaxLength ?? 1071)
    if (message.length > maxLength) throw new HttpError(500, TOO_LONG)
    const sms: OutboundSms = {
      id: generateUid(),
      message,
      recipients: [...new Set(recipients.map(normalise))],
      date: ctx.clock.timestamp(),
      sender: user.user.username,
      status: 'SENT',
    }
    ctx.state.smsOutbound.push(sms)
    sendWebMessage(res, 200, 'SMS sent')
  })

  const canManage = (req: Request) => ctx.hasAuthority(ctx.userOf(req), 'F_MOBILE_SENDSMS', 'F_MOBILE_SETTINGS')

  router.get('/sms/outbound', (req, res) => {
    if (!canManage(req)) throw new HttpError(403, "You don't have the proper permissions to read objects of this type.")
    let items = [...ctx.state.smsOutbound] as unknown as Record<string, unknown>[]
    for (const f of queryValues(req, 'filter')) {
      const [property = '', op = '', ...rest] = f.split(':')
      const value = rest.join(':')
      if (op === 'eq') items = items.filter((i) => String(i[property]) === value)
      else if (op === 'in') {
        // DHIS2's `in` takes `[a,b,c]` (brackets required; DefaultQueryParser / QueryUtils.parseItems).
        const list = /^\[(.*)\]$/.exec(value)?.[1]?.split(',') ?? []
        items = items.filter((i) => list.includes(String(i[property])))
      } else if (op === 'like' || op === 'ilike')
        items = items.filter((i) =>
          String(i[property] ?? '')
            .toLowerCase()
            .includes(value.toLowerCase()),
        )
      else throw new HttpError(400, `Query failed because of a syntax error (Invalid filter operator: ${op})`, 'E2014')
    }
    items.sort((a, b) => String(b.date).localeCompare(String(a.date)))
    const pageSize = Math.max(1, Number(req.query.pageSize ?? 50) || 50)
    const page = Math.max(1, Number(req.query.page ?? 1) || 1)
    const total = items.length
    const render = createRenderContext(ctx, 'en', `${req.protocol}://${req.get('host') ?? 'localhost'}`)
    const fields = parseFields(queryValues(req, 'fields').join(',') || 'id,displayName')
    const paging = req.query.paging !== 'false'
    const shown = paging ? items.slice((page - 1) * pageSize, page * pageSize) : items
    res.json({
      ...(paging ? { pager: { page, total, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)) } } : {}),
      outboundSmss: shown.map((i) => renderObject(i, undefined, fields, render)),
    })
  })

  router.delete('/sms/outbound/:uid', (req, res) => {
    if (!ctx.hasAuthority(ctx.userOf(req), 'F_MOBILE_SETTINGS')) throw new HttpError(403, 'Access is denied')
    const uid = String(req.params.uid)
    if (!ctx.state.smsOutbound.some((s) => s.id === uid))
      throw new HttpError(404, `No OutboundSms with id '${uid}' was found.`)
    ctx.state.smsOutbound = ctx.state.smsOutbound.filter((s) => s.id !== uid)
    sendWebMessage(res, 200, `OutboundSms with ${uid} deleted`)
  })

  router.delete('/sms/outbound', (req, res) => {
    if (!ctx.hasAuthority(ctx.userOf(req), 'F_MOBILE_SETTINGS')) throw new HttpError(403, 'Access is denied')
    const ids = new Set(queryValues(req, 'ids').flatMap((v) => v.split(',')))
    ctx.state.smsOutbound = ctx.state.smsOutbound.filter((s) => !ids.has(s.id))
    sendWebMessage(res, 200, 'Objects deleted')
  })
}
