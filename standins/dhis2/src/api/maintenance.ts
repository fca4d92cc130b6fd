/**
 * `POST|PUT /api/maintenance/categoryOptionComboUpdate[/categoryCombo/{uid}]` (core@2.41 `MaintenanceController`):
 * brings every combo's (or one combo's) option combos in line with its categories (../import/option-combos.ts).
 * Needs `F_PERFORM_MAINTENANCE` (or ALL); the whole update answers 204, the one-combo form 200 with no body.
 */
import type { Request, Response, Router } from 'express'
import { generateUid } from '@relais/mappings'
import { HttpError } from '../http/web-message'
import type { StandinContext } from '../context'
import { alignOptionCombos } from '../import/option-combos'

export function registerMaintenance(router: Router, ctx: StandinContext): void {
  const update = (status: 200 | 204) => (req: Request, res: Response) => {
    const user = ctx.userOf(req)
    if (!ctx.hasAuthority(user, 'F_PERFORM_MAINTENANCE')) throw new HttpError(403, 'Access is denied', 'E1006')
    const metadata = ctx.state.metadata
    const combo = req.params.uid === undefined ? undefined : String(req.params.uid)
    if (combo !== undefined && !metadata.categoryCombos.some((c) => c.id === combo))
      throw new HttpError(404, `CategoryCombo with id ${combo} could not be found.`, 'E1005')
    // Option combos that hold data values cannot be deleted.
    const inUse = new Set<string>()
    ctx.state.dataValues.forEachEntry((_ou, _pe, key, _value, deleted) => {
      if (!deleted) inUse.add(key.split('.')[1] ?? '')
    })
    const changes = alignOptionCombos(metadata, inUse, generateUid, ctx.clock.timestamp(), combo)
    const gone = new Set(changes.deleted)
    metadata.categoryOptionCombos = [
      ...metadata.categoryOptionCombos
        .filter((coc) => !gone.has(coc.id))
        .map((coc) => {
          const renamed = changes.renamed.find((r) => r.id === coc.id)
          return renamed ? { ...coc, name: renamed.name } : coc
        }),
      ...changes.added,
    ]
    for (const c of metadata.categoryCombos)
      c.categoryOptionCombos = metadata.categoryOptionCombos
        .filter((coc) => coc.categoryCombo.id === c.id)
        .map((coc) => ({ id: coc.id }))
    ctx.reindex()
    res.status(status).end()
  }
  for (const method of ['post', 'put'] as const) {
    router[method]('/maintenance/categoryOptionComboUpdate', update(204))
    router[method]('/maintenance/categoryOptionComboUpdate/categoryCombo/:uid', update(200))
  }
}
