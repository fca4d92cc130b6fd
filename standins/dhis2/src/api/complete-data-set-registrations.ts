/**
 * `GET|POST|DELETE /api/completeDataSetRegistrations` (web-api §4, analytics §4.5): HTTP glue around
 * import/complete-registrations.ts. POST takes `{"completeDataSetRegistrations":[…]}` (JSON only),
 * answers with the ImportSummary rules of §2.6 (plain before API 38), and supports `async=true`.
 * The registration `date` is the supplied value or now and a re-POST overwrites it — DHIS2's
 * behaviour, kept on purpose.
 */
import type { Router } from 'express'
import express from 'express'
import type { StandinContext } from '../context'
import { boolParam } from '../import/common'
import {
  deleteRegistrations,
  exportRegistrations,
  importRegistrations,
  type RegistrationInput,
} from '../import/complete-registrations'
import { JSON_BODY_LIMIT, requireJsonBody, sendImportSummary } from './data-value-sets'

const jsonBody = express.json({ limit: JSON_BODY_LIMIT, type: () => true })

export function registerCompleteDataSetRegistrations(router: Router, ctx: StandinContext): void {
  const paths = ['/completeDataSetRegistrations', '/completeDataSetRegistrations.json']

  router.get(paths, (req, res) => {
    res.json(exportRegistrations(ctx, ctx.userOf(req), req.query as Record<string, unknown>))
  })

  router.post(paths, requireJsonBody, jsonBody, (req, res) => {
    const user = ctx.userOf(req)
    const query = req.query as Record<string, unknown>
    const body = (req.body ?? {}) as { completeDataSetRegistrations?: RegistrationInput[] }
    const items = Array.isArray(body.completeDataSetRegistrations) ? body.completeDataSetRegistrations : []
    const run = () =>
      importRegistrations({
        index: ctx.index.metadata,
        registrations: ctx.state.registrations,
        values: ctx.state.dataValues,
        user,
        now: ctx.clock.timestamp(),
        timeZone: ctx.clock.timeZone,
        items,
        query,
        settings: ctx.state.systemSettings,
      })
    if (boolParam(query, 'async')) {
      res.json(
        ctx.tasks.start(
          'COMPLETE_DATA_SET_REGISTRATION_IMPORT',
          'completeDataSetRegistrationImport',
          user.user.id,
          run,
        ),
      )
      return
    }
    sendImportSummary(res, run())
  })

  router.delete(paths, (req, res) => {
    deleteRegistrations(ctx, ctx.userOf(req), req.query as Record<string, unknown>)
    res.status(204).end()
  })
}
