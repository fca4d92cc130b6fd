/**
 * Test-only tracker endpoints (only with `--test-endpoints`, like api/testing.ts; no credentials):
 * - `POST /api/testing/tracker/events` — `{"events": [...]}` imported as `POST /api/tracker?async=false` by the
 *   superuser `admin` (the query's importStrategy/atomicMode apply): seeds tracing tasks without a user session.
 *   Answers the ImportReport (200, or 409 when its status is ERROR).
 * - `GET /api/testing/tracker/events` — every stored event as the stand-in keeps it, deleted ones included:
 *   `{"events": [...]}` (what a test asserts on, whatever the read scope of a user).
 * - `DELETE /api/testing/tracker/events` — removes every event.
 */
import express, { type Router } from 'express'
import type { AuthUser, StandinContext } from '../context'
import { HttpError } from '../http/web-message'
import { TrackerRequestError } from '../import/tracker-import'
import { eventStoreOf, runTrackerImport, TRACKER_BODY_LIMIT } from './tracker'

function superuser(ctx: StandinContext): AuthUser {
  const user =
    ctx.index.usersByUsername.get('admin') ?? ctx.state.users.find((u) => ctx.index.authoritiesOf(u).has('ALL'))
  if (!user) throw new HttpError(409, 'No superuser in this stand-in to import as')
  const units = ctx.index.metadata.objects.organisationUnits.byId
  const capture = user.organisationUnits.map((r) => units.get(r.id)).filter((u) => u !== undefined)
  return {
    user,
    authorities: ctx.index.authoritiesOf(user),
    isSuperuser: true,
    captureOrgUnits: capture,
    viewOrgUnits: capture,
    via: 'basic',
  }
}

export function registerTrackerTesting(router: Router, ctx: StandinContext): void {
  if (!ctx.options.testEndpoints) return
  const json = express.json({ limit: TRACKER_BODY_LIMIT, type: () => true })
  router.post('/testing/tracker/events', json, (req, res) => {
    try {
      const query = { ...(req.query as Record<string, unknown>), async: 'false' }
      const report = runTrackerImport(ctx, superuser(ctx), query, req.body)
      res.status(report.status === 'ERROR' ? 409 : 200).json(report)
    } catch (error) {
      if (error instanceof TrackerRequestError) throw new HttpError(400, error.message)
      throw error
    }
  })
  router.get('/testing/tracker/events', (_req, res) => {
    res.json({ events: eventStoreOf(ctx).all() })
  })
  router.delete('/testing/tracker/events', (_req, res) => {
    eventStoreOf(ctx).clear()
    res.json({ cleared: true })
  })
}
