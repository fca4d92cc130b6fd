/**
 * `POST /api/v1/uploads?source=…&filename=…[&mode=…]`: a CSV/XLSX file becomes a run. Through the DHIS2 route
 * the file is the raw body (the route drops Content-Type, so no multipart); direct API clients may send
 * multipart/form-data. CSV or XLSX is recognised from the bytes by the pipeline's reader; the size limit is
 * the source's `maxUploadMegabytes` (413 beyond).
 */
import { z } from 'zod'
import { takesFiles, type FileSourceConfig, type RelaisConfig } from '../../config/relais-config'
import type { PipelineServices } from '../../pipeline/services'
import { assertDeclaredLength, assertIdentityEncoding, tooLarge } from '../body'
import { ApiError, toApiError } from '../errors'
import { defineRoute, reply, type Route } from '../route'
import { RunMode } from '../schemas'
import { cleanFilename, isMultipart, limitBytes, multipartFile, type LimitedStream } from '../upload-stream'
import { UploadAccepted } from '../contract'

const uploadQuery = z.strictObject({
  source: z.string().min(1).max(100),
  filename: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'The name the partner gave the file (only used to warn when it disagrees with the bytes)' }),
  mode: RunMode.default('import').meta({
    description:
      'The console sends a dry run first: the data manager reads its diff (GET /api/v1/runs/{id}/diff), then imports with `confirms`',
  }),
  confirms: z.string().min(1).max(100).optional().meta({
    description:
      'The dry run this import confirms: refused (409) unless it read this very file and DHIS2 still holds what it read',
  }),
})

const MEGABYTE = 1024 * 1024

/** The file source named `name`: 404 when unknown, 400 when it does not take files. */
export function fileSourceOf(config: RelaisConfig, name: string): FileSourceConfig {
  const source = config.sources.find((s) => s.name === name)
  if (!source) throw new ApiError(404, 'unknown-source', `Unknown source "${name}": it is not in relais.config.yaml`)
  if (!takesFiles(source))
    throw new ApiError(400, 'wrong-source-kind', `Source "${name}" is a ${source.kind} source: it does not take files.`)
  return source
}

export interface UploadsDeps {
  services: PipelineServices
  config: RelaisConfig
}

export function uploadsRoutes({ services, config }: UploadsDeps): Route[] {
  return [
    defineRoute({
      operationId: 'uploadFile',
      method: 'post',
      path: '/api/v1/uploads',
      tag: 'uploads',
      summary: 'Upload a CSV or XLSX file for a source: it becomes a run',
      description:
        'The file is the raw request body (any or no Content-Type), or the first file of a multipart/form-data body. ' +
        'The file is durable on the bridge before the answer; the answer comes once the rows are committed, or after ' +
        "2 s with rows = null (still reading: poll the run). Beyond the source's maxUploadMegabytes: 413.",
      access: { kind: 'action', action: 'uploads:create' },
      query: uploadQuery,
      rawBody: {
        contentTypes: ['application/octet-stream', 'multipart/form-data'],
        description: 'The CSV or XLSX file',
      },
      responses: { 202: UploadAccepted },
      errors: [400, 404, 409, 413, 415],
      async handle({ query, actor, req }) {
        const source = fileSourceOf(config, query.source)
        const limit = Math.floor(source.maxUploadMegabytes * MEGABYTE)
        assertIdentityEncoding(req)
        assertDeclaredLength(req, limit)
        let file: LimitedStream
        let filename = cleanFilename(query.filename)
        if (isMultipart(req)) {
          const part = await multipartFile(req, limit)
          file = part
          filename ??= part.filename
        } else file = limitBytes(req, limit)
        try {
          const started = await services.upload(
            {
              source: source.name,
              filename: filename ?? 'upload',
              body: file.stream,
              mode: query.mode,
              ...(query.confirms !== undefined ? { confirms: query.confirms } : {}),
            },
            actor,
          )
          if (file.exceeded()) throw tooLarge(limit)
          return reply(202, { id: started.id, rows: started.rows })
        } catch (error) {
          // The pipeline may report the cut-off stream in its own words: the answer is 413 all the same.
          if (file.exceeded()) throw tooLarge(limit)
          throw toApiError(error) ?? error
        } finally {
          file.stream.resume()
        }
      },
    }),
  ]
}
