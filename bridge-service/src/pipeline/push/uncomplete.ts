/**
 * Un-completing in DHIS2 a report its source retracted: a data manager's action on a record (issue 13 §1).
 */
import { repositories } from '../../ledger'
import { loadRecords } from '../../ledger/pipeline-queries'
import { RecordNotFoundError } from '../../ledger/records'
import { DELETED_AT_SOURCE } from '../intake/kobo-source'
import { readMapped } from '../map/payload'
import { audit, type ActionDeps } from '../quarantine/actions'
import { StateConflictError, type Actor } from '../services'

/** The history note of a report a data manager un-completed in DHIS2 after its source retracted it. */
export const UNCOMPLETED_BY_PERSON = 'uncompleted-in-dhis2'

/**
 * Un-completes in DHIS2 the report a source retracted (Kobo hard delete: the record's `deleted-at-source` note):
 * a data manager's decision, never automatic (issue 13 §1). DHIS2 keeps the registration with `completed: false`
 * and its first date (the app's rule), so completing it again later does not make it late. Values stay.
 */
export async function uncomplete(
  deps: ActionDeps,
  recordId: string,
  actor: Actor,
  reason: string,
): Promise<{ status: 'uncompleted' | 'not-complete' }> {
  if (reason.trim() === '') throw new StateConflictError('a report is un-completed with a reason')
  const [record] = await loadRecords(deps.db, [recordId])
  if (!record) throw new RecordNotFoundError(recordId)
  const events = await repositories(deps.db).events.forRecord(recordId)
  if (!events.some((e) => e.reason === DELETED_AT_SOURCE))
    throw new StateConflictError(`record ${recordId}: its source did not retract it; un-complete the report in DHIS2`)
  const payload = readMapped(record.mapped)
  const aoc = payload?.dataValues[0]?.attributeOptionCombo
  if (!payload?.orgUnit || !payload.period || !aoc)
    throw new StateConflictError(`record ${recordId} names no report (data set, period, org unit) to un-complete`)
  const held = (
    await deps.dhis2.getCompletions({ dataSet: payload.dataSet, period: payload.period, orgUnits: [payload.orgUnit] })
  ).find((c) => c.orgUnit === payload.orgUnit && (c.attributeOptionCombo ?? aoc) === aoc)
  const status = held?.completed ? 'uncompleted' : 'not-complete'
  if (held?.completed) {
    const summary = await deps.dhis2.postCompletions([
      {
        dataSet: payload.dataSet,
        period: payload.period,
        organisationUnit: payload.orgUnit,
        attributeOptionCombo: aoc,
        // Its first date, kept: DHIS2 overwrites the date on every POST.
        date: held.date ?? '',
        completed: false,
      },
    ])
    if (summary.status === 'ERROR')
      throw new StateConflictError(`DHIS2 refused the un-completion: ${summary.description ?? ''}`)
  }
  await repositories(deps.db).events.note([recordId], {
    actor: actor.name,
    reason: UNCOMPLETED_BY_PERSON,
    detail: { note: reason.trim(), role: actor.role, dhis2: status },
  })
  await audit(deps.db, actor, 'record.uncomplete', `record:${recordId}`, { reason: reason.trim(), outcome: status })
  return { status }
}
