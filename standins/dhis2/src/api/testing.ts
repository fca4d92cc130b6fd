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
 * - `POST /api/testing/state/save|load` — `{"file"?: path}`, default `options.stateFile`.
 */
import express, { type Request, type Router } from 'express'
import { HttpError, sendWebMessage } from '../http/web-message'
import type { StandinContext } from '../context'
import type { SessionStore } from '../auth/sessions'
import { loadState, saveState } from '../store/persistence'
import { faultsOf, parseFaultConfig } from './faults'

const sessionStores = new WeakMap<StandinContext, SessionStore>()

/** server.ts hands the stand-in's session store over, so that tests can expire every session. */
export function attachSessionStore(ctx: StandinContext, sessions: SessionStore): void {
  sessionStores.set(ctx, sessions)
}

function bodyOf(req: Request): Record<string, unknown> {
  const body = req.body as unknown
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
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
