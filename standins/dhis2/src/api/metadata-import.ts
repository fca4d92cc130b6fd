/** `POST /api/metadata` (JSON): the import of `../import/metadata-import.ts`. */
import express, { type Router } from 'express'
import { HttpError } from '../http/web-message'
import type { StandinContext } from '../context'
import { importMetadata, importParams } from '../import/metadata-import'

export function registerMetadataImport(router: Router, ctx: StandinContext): void {
  router.post('/metadata', express.json({ type: () => true, limit: '200mb' }), (req, res) => {
    const user = ctx.userOf(req)
    if (!/^application\/json/i.test(req.get('content-type') ?? ''))
      throw new HttpError(415, `Content type '${req.get('content-type') ?? ''}' not supported`)
    const result = importMetadata(ctx, req.body, importParams(req.query as Record<string, unknown>), {
      id: user.user.id,
      username: user.user.username,
      isSuperuser: user.isSuperuser,
      authorities: user.authorities,
    })
    res.status(result.httpStatus).json(result.body)
  })
}
