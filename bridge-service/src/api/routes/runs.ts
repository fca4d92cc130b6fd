/** `/api/v1/runs`: start (202 + id), list, one run with live counts per status, cancel, retry failed records. */
import type { Request } from 'express'
import { scopeFilter, type OrgUnitScope, type Scopes } from '../scope'
import { z } from 'zod'
import type { LedgerRepositories } from '../../ledger'
import type { Run } from '../../ledger/runs'
import type { PipelineServices } from '../../pipeline/services'
import { notFound } from '../errors'
import { defineRoute, reply, type Route } from '../route'
import { idParams, iso, isoOrNull, named, pageQuery, pagedOf, RunMode, RunStatus } from '../schemas'
import { RunDetail, RunDiffSchema, RunListItem, RunSchema } from '../contract'

export { RunDetail, RunSchema }

export const StartRunBody = named(
  'StartRunRequest',
  z.object({
    source: z.string().min(1).max(100).meta({ description: 'A source of relais.config.yaml' }),
    mode: RunMode,
  }),
)

export const Accepted = named(
  'Accepted',
  z.object({ id: z.string().meta({ description: 'Poll GET /api/v1/runs/{id}' }) }),
  'Long work was started; poll the run.',
)

const RunList = pagedOf('RunList', RunListItem)

const RetryAccepted = named('RetryAccepted', z.object({ id: z.string(), retried: z.number().int() }))

const listQuery = z.strictObject({
  source: z.string().min(1).optional(),
  status: RunStatus.optional(),
  ...pageQuery,
})

export function runDto(run: Run): z.input<typeof RunSchema> {
  return {
    id: run.id,
    source: run.source,
    mode: run.mode,
    trigger: run.trigger,
    status: run.status,
    actor: run.actor,
    detail: run.detail,
    finalCounts: run.finalCounts,
    startedAt: iso(run.startedAt),
    finishedAt: isoOrNull(run.finishedAt),
  }
}

export interface RunsDeps {
  services: PipelineServices
  repos: Pick<LedgerRepositories, 'runs'>
  scopes: Scopes
  /** A dry run's diff, of these org units only when given (pipeline/push/run-diff.ts). */
  diffOf(runId: string, orgUnitIn?: readonly string[]): Promise<z.input<typeof RunDiffSchema>>
}

/** A supervisor sees a run's counts of their own org units' records; the stored totals are national. */
const scopedDto = (run: Run, scope: OrgUnitScope) => ({ ...runDto(run), ...(scope.all ? {} : { finalCounts: null }) })

export function runsRoutes({ services, repos, scopes, diffOf }: RunsDeps): Route[] {
  const detailOf = async (run: Run, req: Request) => {
    const scope = await scopes.of(req)
    return { run: scopedDto(run, scope), counts: await repos.runs.counts(run.id, scopeFilter(scope)) }
  }
  const existing = async (id: string) => {
    const run = await repos.runs.get(id)
    if (!run) throw notFound(`Run ${id}`)
    return run
  }

  return [
    defineRoute({
      operationId: 'startRun',
      method: 'post',
      path: '/api/v1/runs',
      tag: 'runs',
      summary: 'Start a run of a source (dry-run or import)',
      access: { kind: 'action', action: 'runs:write' },
      body: StartRunBody,
      responses: { 202: Accepted },
      errors: [400, 404, 409],
      async handle({ body, actor }) {
        const { id } = await services.startRun(body.source, body.mode, actor)
        return reply(202, { id })
      },
    }),
    defineRoute({
      operationId: 'listRuns',
      method: 'get',
      path: '/api/v1/runs',
      tag: 'runs',
      summary: 'Runs, newest first',
      access: { kind: 'action', action: 'runs:read' },
      query: listQuery,
      responses: { 200: RunList },
      errors: [400],
      async handle({ query: { page, pageSize, ...filter }, req }) {
        const list = await repos.runs.list(filter, { page, pageSize })
        const scope = await scopes.of(req)
        // Live, so never stale after a release or a retry: one grouped count for the whole page.
        const counts = await repos.runs.countsOf(
          list.items.map((run) => run.id),
          scopeFilter(scope),
        )
        const items = list.items.map((run) => ({ ...scopedDto(run, scope), counts: counts.get(run.id)! }))
        return reply(200, { items, pager: list.pager })
      },
    }),
    defineRoute({
      operationId: 'getRun',
      method: 'get',
      path: '/api/v1/runs/{id}',
      tag: 'runs',
      summary: 'One run, with the live counts of its records per status',
      access: { kind: 'action', action: 'runs:read' },
      params: idParams,
      responses: { 200: RunDetail },
      errors: [404],
      async handle({ params, req }) {
        return reply(200, await detailOf(await existing(params.id), req))
      },
    }),
    defineRoute({
      operationId: 'getRunDiff',
      method: 'get',
      path: '/api/v1/runs/{id}/diff',
      tag: 'runs',
      summary: "A dry run's diff against DHIS2: new, changed, same, would overwrite, refused",
      access: { kind: 'action', action: 'runs:read' },
      params: idParams,
      responses: { 200: RunDiffSchema },
      errors: [404],
      async handle({ params, req }) {
        await existing(params.id)
        const scope = await scopes.of(req)
        return reply(200, await diffOf(params.id, scopeFilter(scope).orgUnitIn))
      },
    }),
    defineRoute({
      operationId: 'cancelRun',
      method: 'post',
      path: '/api/v1/runs/{id}/cancel',
      tag: 'runs',
      summary: 'Cancel a running run',
      access: { kind: 'action', action: 'runs:write' },
      params: idParams,
      responses: { 200: RunDetail },
      errors: [404, 409],
      async handle({ params, actor, req }) {
        await existing(params.id)
        await services.cancelRun(params.id, actor)
        return reply(200, await detailOf(await existing(params.id), req))
      },
    }),
    defineRoute({
      operationId: 'retryFailed',
      method: 'post',
      path: '/api/v1/runs/{id}/retry-failed',
      tag: 'runs',
      summary: 'Push the failed records of a run again',
      access: { kind: 'action', action: 'runs:write' },
      params: idParams,
      responses: { 202: RetryAccepted },
      errors: [404, 409],
      async handle({ params, actor }) {
        await existing(params.id)
        const { retried } = await services.retryFailed(params.id, actor)
        return reply(202, { id: params.id, retried })
      },
    }),
  ]
}
