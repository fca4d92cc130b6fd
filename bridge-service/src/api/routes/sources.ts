/** `/api/v1/sources`: the sources of relais.config.yaml, each with its last run and a health word. */
import { basename } from 'node:path'
import { z } from 'zod'
import type { RelaisConfig, SourceConfig } from '../../config/relais-config'
import type { LedgerRepositories } from '../../ledger'
import type { StatusCounts as Counts } from '../../ledger/records'
import type { Run } from '../../ledger/runs'
import { defineRoute, reply, type Route } from '../route'
import { pageQuery, pagedOf } from '../schemas'
import { runDto } from './runs'
import { SOURCE_HEALTH, SourceSchema, type SourceHealth } from '../contract'

export { SOURCE_HEALTH, type SourceHealth }

/**
 * disabled (not enabled in the config) · never-run · running · failing (last run failed) · attention (last
 * run ended with records quarantined or failed) · ok.
 */
export function healthOf(source: SourceConfig, lastRun: Run | undefined, counts: Counts | undefined): SourceHealth {
  if (!source.enabled) return 'disabled'
  if (!lastRun) return 'never-run'
  if (lastRun.status === 'running') return 'running'
  if (lastRun.status === 'failed') return 'failing'
  if (counts && counts.quarantined + counts.failed > 0) return 'attention'
  return 'ok'
}

const SourceList = pagedOf('SourceList', SourceSchema)

export interface SourcesDeps {
  config: RelaisConfig
  repos: Pick<LedgerRepositories, 'runs'>
}

export function sourcesRoutes({ config, repos }: SourcesDeps): Route[] {
  async function describe(source: SourceConfig): Promise<z.input<typeof SourceSchema>> {
    const [lastRun] = (await repos.runs.list({ source: source.name }, { page: 1, pageSize: 1 })).items
    const counts = lastRun ? await repos.runs.counts(lastRun.id) : undefined
    return {
      name: source.name,
      kind: source.kind,
      description: source.description ?? null,
      enabled: source.enabled,
      // The spec's file name only: where the server keeps its files is none of a browser's business.
      mapping: basename(source.mapping),
      allowLateData: source.allowLateData,
      schedule: source.kind === 'kobo' || source.kind === 'odk' ? source.schedule : null,
      maxUploadMegabytes: source.kind === 'csv' || source.kind === 'xlsx' ? source.maxUploadMegabytes : null,
      lastRun: lastRun ? runDto(lastRun) : null,
      lastRunCounts: counts ?? null,
      health: healthOf(source, lastRun, counts),
    }
  }

  return [
    defineRoute({
      operationId: 'listSources',
      method: 'get',
      path: '/api/v1/sources',
      tag: 'sources',
      summary: 'The configured sources, with their last run and health',
      access: { kind: 'action', action: 'sources:read' },
      query: z.strictObject({ ...pageQuery }),
      responses: { 200: SourceList },
      errors: [400],
      async handle({ query: { page, pageSize } }) {
        const all = config.sources
        const slice = all.slice((page - 1) * pageSize, page * pageSize)
        const items = await Promise.all(slice.map(describe))
        return reply(200, {
          items,
          pager: { page, pageSize, total: all.length, pageCount: Math.ceil(all.length / pageSize) },
        })
      },
    }),
  ]
}
