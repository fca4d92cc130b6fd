/**
 * `POST|GET /api/dataValueSets` (web-api §2, §3): the HTTP glue around `import/data-value-set-import.ts`
 * and `import/data-value-set-export.ts`.
 *
 * - JSON only: XML, CSV, ADX and PDF bodies get DHIS2's 415 (the stand-in does not read them).
 * - Authority ALL or F_DATAVALUE_ADD, else 403 (a `@PreAuthorize` denial).
 * - 200 SUCCESS / 409 WARNING / 409 ERROR WebMessage around the ImportSummary (§2.6); a bare
 *   ImportSummary with 200 when called through `/api/37/` or older (§1.2).
 * - `async=true`: a DATAVALUE_IMPORT job (§2.8), summary at /api/system/taskSummaries/DATAVALUE_IMPORT/{id}.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import type { StandinContext } from '../context'
import { HttpError, webMessage } from '../http/web-message'
import { boolParam, ruleUserOf, summaryEnvelope, type ImportSummaryJson } from '../import/common'
import { exportDataValueSet } from '../import/data-value-set-export'
import { importDataValueSet, type DataValueSetPayload } from '../import/data-value-set-import'
import { paced } from '../http/pace'
import { noteSent } from './testing'

/** Large imports arrive in one request (the bench posts 100,000 values at once). */
export const JSON_BODY_LIMIT = '200mb'

const jsonBody = express.json({ limit: JSON_BODY_LIMIT, type: () => true, strict: true })

/** Spring's `consumes`: only JSON here; anything else is a 415 in Spring 5.3 words. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const type = req.get('content-type')
  const mediaType = type?.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/json')
    throw new HttpError(415, `Content type '${type ?? 'application/octet-stream'}' not supported`)
  next()
}

/** `@PreAuthorize("hasRole('ALL') or hasRole('<authority>')")`. */
export function requireAuthority(ctx: StandinContext, authority: string) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!ctx.hasAuthority(ctx.userOf(req), authority)) throw new HttpError(403, 'Access is denied')
    next()
  }
}

/** Answers an ImportSummary: the WebMessage of 2.38+, or the plain summary before API version 38. */
export function sendImportSummary(res: Response, summary: ImportSummaryJson): void {
  const version = res.locals.apiVersion as number | undefined
  if (version !== undefined && version < 38) {
    res.status(200).json(summary)
    return
  }
  const envelope = summaryEnvelope(summary.status)
  res
    .status(envelope.httpStatusCode)
    .json(webMessage(envelope.httpStatusCode, envelope.message, { status: envelope.status, response: summary }))
}

export function registerDataValueSets(router: Router, ctx: StandinContext): void {
  const paths = ['/dataValueSets', '/dataValueSets.json']

  /** An import: checks and stores the payload, tells `onImport`, answers. */
  const importNow = (req: Request, res: Response): void => {
    const user = ctx.userOf(req)
    const query = req.query as Record<string, unknown>
    const payload = (req.body && typeof req.body === 'object' ? req.body : {}) as DataValueSetPayload
    const run = () => {
      const summary = importDataValueSet({
        index: ctx.index.metadata,
        store: ctx.state.dataValues,
        registrations: ctx.state.registrations,
        user: ruleUserOf(user, ctx),
        now: ctx.clock.timestamp(),
        payload,
        query,
        settings: ctx.state.systemSettings,
      })
      ctx.onImport?.({ payload, summary, at: performance.now() })
      noteSent(ctx, payload, query)
      return summary
    }
    if (boolParam(query, 'async')) {
      res.json(ctx.tasks.start('DATAVALUE_IMPORT', 'dataValueImport', user.user.id, run))
      return
    }
    sendImportSummary(res, run())
  }
  const exportNow = (req: Request) => exportDataValueSet(ctx, ctx.userOf(req), req.query as Record<string, unknown>)

  const { pacer } = ctx
  if (pacer) {
    // Paced (http/pace.ts): an import's values are stored once its modelled time is over (DHIS2 commits at
    // the end); a read is computed at once and answered after its time. An async import is paced before its
    // job starts, like a sync one (the bridge does not use async imports).
    router.post(
      paths,
      requireJsonBody,
      requireAuthority(ctx, 'F_DATAVALUE_ADD'),
      jsonBody,
      paced(pacer, pacer.pace.import, (req, res) => {
        const body = req.body as DataValueSetPayload | undefined
        const values = Array.isArray(body?.dataValues) ? body.dataValues.length : 0
        return { values, finish: () => importNow(req, res) }
      }),
    )
    router.get(
      paths,
      paced(pacer, pacer.pace.read, (req, res) => {
        const answer = exportNow(req)
        const values = Array.isArray(answer.dataValues) ? answer.dataValues.length : 0
        return { values, finish: () => void res.json(answer) }
      }),
    )
    return
  }

  router.post(paths, requireJsonBody, requireAuthority(ctx, 'F_DATAVALUE_ADD'), jsonBody, importNow)
  router.get(paths, (req, res) => {
    res.json(exportNow(req))
  })
}
