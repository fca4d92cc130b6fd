/**
 * What data managers do to runs: retry a run's failed records, cancel a run. Each is checked against the run's
 * current state, written as status transitions with their events, and appended to the audit log.
 */
import { repositories } from '../ledger'
import { recordIdsOfRun } from '../ledger/pipeline-queries'
import { RunStateError } from '../ledger/runs'
import { audit, type ActionDeps } from './quarantine/actions'
import { NotFoundError, StateConflictError, type Actor } from './services'

export async function retryFailed(deps: ActionDeps, runId: string, actor: Actor): Promise<{ retried: number }> {
  const { db } = deps
  const run = await deps.runs.get(runId)
  if (!run) throw new NotFoundError(`no run ${runId}`)
  if (run.status === 'cancelled') throw new StateConflictError(`run ${runId} was cancelled: start a new run instead`)
  const ids = await recordIdsOfRun(db, runId, ['failed'])
  const moved = await db.transaction(async (tx) => {
    const { moved } = await repositories(tx).records.transitionMany(
      ids.map((id) => ({ id })),
      'failed',
      'mapped',
      { actor: actor.name, resetAttempts: true, lastError: null, detail: { retriedBy: actor.name, role: actor.role } },
    )
    await repositories(tx).audit.append({
      actor: actor.name,
      role: actor.role,
      action: 'run.retry-failed',
      target: `run:${runId}`,
      detail: { retried: moved.length },
    })
    return moved
  })
  await deps.enqueue.push(runId, moved, { generation: `retry-${Date.now()}` })
  return { retried: moved.length }
}

export async function cancelRun(deps: ActionDeps, runId: string, actor: Actor): Promise<void> {
  const { db } = deps
  const run = await deps.runs.get(runId)
  if (!run) throw new NotFoundError(`no run ${runId}`)
  try {
    await repositories(db).runs.cancel(runId, { actor: actor.name })
  } catch (error) {
    if (error instanceof RunStateError) throw new StateConflictError(error.message)
    throw error
  }
  // Records not sent yet are not sent; received ones follow when their map job ends (push sees the cancel).
  const mapped = await recordIdsOfRun(db, runId, ['mapped'])
  const { moved } = await repositories(db).records.transitionMany(
    mapped.map((id) => ({ id })),
    'mapped',
    'failed',
    { actor: actor.name, lastError: { kind: 'cancelled', message: `run cancelled by ${actor.name}` } },
  )
  await audit(db, actor, 'run.cancel', `run:${runId}`, { source: run.source, stopped: moved.length })
}
