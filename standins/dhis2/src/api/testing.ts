/**
 * Test-only endpoints, registered only when the stand-in runs with `--test-endpoints`
 * (`options.testEndpoints`); otherwise every `/api/testing/*` path answers the stand-in's 404.
 * They need no credentials (the auth middleware lets `/api/testing/` through) and no fault
 * touches them.
 *
 * - `GET|POST /api/testing/clock` — `{"now": ISO}` sets the clock (it keeps running), `{"advanceMs": n}` moves it;
 * - `GET|POST|DELETE /api/testing/faults` — see faults.ts;
 * - `POST /api/testing/sms-gateway` — `{"configured": true|false}`;
 * - `POST /api/testing/sms-outbound/status` — `{"id": uid, "status": "DELIVERED"|"FAILED"|…}`: what a gateway
 *   reporting delivery would leave on DHIS2's outbound SMS (2.41's own gateways stop at SENT or FAILED);
 * - `POST /api/testing/sessions/expire` — ends every browser session;
 * - `POST /api/testing/state/save|load` — `{"file"?: path}`, default `options.stateFile`;
 * - `GET|DELETE /api/testing/writes` — how many times each data value key (`ou|pe|de|coc|aoc`) was sent in a
 *   `POST /api/dataValueSets` that was not a dry run, whatever DHIS2 did with it (stored, updated, ignored as
 *   identical): `{"values", "keys", "repeated": [[key, times]…]}` (every key sent more than once); DELETE resets.
 *   Tests of the bridge use it to prove a value is never sent twice (issue 18).
 */
import express, { type Request, type Router } from 'express'
import { HttpError, sendWebMessage } from '../http/web-message'
import type { StandinContext } from '../context'
import type { SessionStore } from '../auth/sessions'
import { loadState, saveState } from '../store/persistence'
import { faultsOf, parseFaultConfig } from './faults'
import { boolParam } from '../import/common'
import type { DataValueSetPayload } from '../import/data-value-set-import'

const sessionStores = new WeakMap<StandinContext, SessionStore>()

/** server.ts hands the stand-in's session store over, so that tests can expire every session. */
export function attachSessionStore(ctx: StandinContext, sessions: SessionStore): void {
  sessionStores.set(ctx, sessions)
}

function bodyOf(req: Request): Record<string, unknown> {
  const body = req.body as unknown
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
}

const sentCounts = new WeakMap<StandinContext, Map<string, number>>()

/**
 * Counts the values of one non-dry-run import, per key (only with test endpoints: nothing is kept otherwise).
 * Keys use the identifiers as sent (the bridge sends UIDs); a value's missing org unit, period or attribute
 * option combo is taken from the payload, as DHIS2 does.
 */
export function noteSent(ctx: StandinContext, payload: DataValueSetPayload, query: Record<string, unknown>): void {
  if (!ctx.options.testEndpoints) return
  const dryRun = boolParam(query, 'dryRun') || payload.dryRun === true || payload.dryRun === 'true'
  if (dryRun || !Array.isArray(payload.dataValues)) return
  let counts = sentCounts.get(ctx)
  if (!counts) sentCounts.set(ctx, (counts = new Map()))
  for (const dv of payload.dataValues) {
    const key = [
      dv.orgUnit ?? payload.orgUnit,
      dv.period ?? payload.period,
      dv.dataElement,
      dv.categoryOptionCombo ?? '',
      dv.attributeOptionCombo ?? payload.attributeOptionCombo ?? '',
    ].join('|')
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
}

export function registerTesting(router: Router, ctx: StandinContext): void {
  if (!ctx.options.testEndpoints) return
  const json = express.json({ type: () => true })

  const clockAnswer = () => ({
    now: ctx.clock.now().toISOString(),
    serverDate: ctx.clock.timestamp(),
    serverTimeZoneId: ctx.clock.timeZone,
  })
  router.get('/testing/clock', (_req, res) => res.json(clockAnswer()))
  router.post('/testing/clock', json, (req, res) => {
    const body = bodyOf(req)
    if (typeof body.now === 'string') {
      if (Number.isNaN(new Date(body.now).getTime())) throw new HttpError(400, `Invalid instant: ${body.now}`)
      ctx.clock.set(body.now)
    } else if (typeof body.advanceMs === 'number') ctx.clock.advance(body.advanceMs)
    else throw new HttpError(400, 'Give {"now": "<ISO instant>"} or {"advanceMs": <milliseconds>}')
    res.json(clockAnswer())
  })

  const faults = faultsOf(ctx)
  router.get('/testing/faults', (_req, res) => res.json({ ...faults.config, held: faults.heldCount }))
  router.post('/testing/faults', json, (req, res) => {
    faults.set(parseFaultConfig(req.body))
    res.json(faults.config)
  })
  router.delete('/testing/faults', (_req, res) => {
    const released = faults.heldCount
    faults.clear()
    res.json({ cleared: true, released })
  })

  router.post('/testing/sms-gateway', json, (req, res) => {
    const configured = bodyOf(req).configured
    if (typeof configured !== 'boolean') throw new HttpError(400, 'Give {"configured": true|false}')
    ctx.state.smsGatewayConfigured = configured
    res.json({ configured })
  })

  const SMS_STATUSES = ['OUTBOUND', 'SENT', 'ERROR', 'PENDING', 'SCHEDULED', 'DELIVERED', 'FAILED'] as const
  router.post('/testing/sms-outbound/status', json, (req, res) => {
    const { id, status } = bodyOf(req)
    const sms = ctx.state.smsOutbound.find((s) => s.id === id)
    if (!sms) throw new HttpError(404, `No OutboundSms with id '${String(id)}' was found.`)
    const known = SMS_STATUSES.find((s) => s === status)
    if (!known) throw new HttpError(400, `Give {"id": uid, "status": one of ${SMS_STATUSES.join(', ')}}`)
    sms.status = known
    res.json({ id: sms.id, status: sms.status })
  })

  router.post('/testing/sessions/expire', (_req, res) => {
    const sessions = sessionStores.get(ctx)
    if (!sessions) throw new HttpError(503, 'No session store attached to this stand-in')
    sessions.expireAll()
    sendWebMessage(res, 200, 'All sessions expired')
  })

  router.get('/testing/writes', (_req, res) => {
    const counts = sentCounts.get(ctx) ?? new Map<string, number>()
    let values = 0
    const repeated: [string, number][] = []
    for (const [key, times] of counts) {
      values += times
      if (times > 1) repeated.push([key, times])
    }
    res.json({ values, keys: counts.size, repeated })
  })
  router.delete('/testing/writes', (_req, res) => {
    sentCounts.delete(ctx)
    res.json({ cleared: true })
  })

  const fileOf = (req: Request): string => {
    const file = bodyOf(req).file
    const chosen = typeof file === 'string' && file.length > 0 ? file : ctx.options.stateFile
    if (!chosen) throw new HttpError(409, 'No state file given (--state or {"file": …})')
    return chosen
  }
  router.post('/testing/state/save', json, (req, res) => {
    const file = fileOf(req)
    saveState(ctx.state, file)
    sendWebMessage(res, 200, `State saved to ${file}`)
  })
  router.post('/testing/state/load', json, (req, res) => {
    const file = fileOf(req)
    let state
    try {
      state = loadState(file)
    } catch (error) {
      throw new HttpError(409, `Cannot load ${file}: ${(error as Error).message}`)
    }
    ctx.replaceState(state)
    sendWebMessage(res, 200, `State loaded from ${file}`)
  })
}
