import { useCallback, useMemo, useRef, useState } from 'react'
import { uiLanguage } from '../../shared/language'
import type { Period } from '../../shared/mappings'
import { serverNow } from '../../shared/serverTime'
import { useValueQueue } from '../../offline/ValueQueueProvider'
import { isCompletion, pendingKey, type SaveState } from '../../offline/types'
import { cellKey, type EntryMetadata } from '../metadata/types'
import type { CellCheck } from '../validation/entryValidator'

export interface CellRef {
  dataElement: string
  optionCombo: string
  /** For the waiting queue: "Element — Masculin, <15 — septembre 2026". */
  label: string
}

interface Args {
  metadata: EntryMetadata
  check: CellCheck
  orgUnitId: string
  period: Period
  initial: ReadonlyMap<string, string>
}

/**
 * The form's values as typed: checked on every keystroke with the shared validator, and handed to the
 * offline queue when a cell is left (only when valid and changed).
 */
export function useEntryForm({ metadata, check, orgUnitId, period, initial }: Args) {
  const queue = useValueQueue()
  const [values, setValues] = useState<Map<string, string>>(() => new Map(initial))
  const [errors, setErrors] = useState<Map<string, string>>(() => new Map())
  const sent = useRef<Map<string, string>>(new Map(initial))

  const validate = useCallback(
    (cell: CellRef, value: string) =>
      check(
        { dataElement: cell.dataElement, optionCombo: cell.optionCombo, period: period.id, value },
        serverNow(metadata.serverDate, metadata.readAt),
        uiLanguage(),
      ),
    [check, metadata.serverDate, metadata.readAt, period.id],
  )

  const change = useCallback(
    (cell: CellRef, value: string) => {
      const key = cellKey(cell.dataElement, cell.optionCombo)
      setValues((previous) => new Map(previous).set(key, value))
      const error = validate(cell, value)
      setErrors((previous) => {
        const next = new Map(previous)
        if (error) next.set(key, error)
        else next.delete(key)
        return next
      })
    },
    [validate],
  )

  const commit = useCallback(
    (cell: CellRef, value: string) => {
      const key = cellKey(cell.dataElement, cell.optionCombo)
      if ((sent.current.get(key) ?? '') === value || validate(cell, value)) return
      sent.current.set(key, value)
      void queue.save(
        { de: cell.dataElement, pe: period.id, ou: orgUnitId, co: cell.optionCombo },
        value,
        cell.label,
        serverNow(metadata.serverDate, metadata.readAt),
      )
    },
    [queue, orgUnitId, period.id, validate, metadata.serverDate, metadata.readAt],
  )

  const saveState = useCallback(
    (cell: CellRef): SaveState | undefined =>
      queue.states.get(pendingKey({ de: cell.dataElement, pe: period.id, ou: orgUnitId, co: cell.optionCombo })),
    [queue.states, orgUnitId, period.id],
  )

  /** Values of this report DHIS2 refused for good. */
  const refused = useMemo(
    () => queue.refused.filter((item) => !isCompletion(item) && item.ou === orgUnitId && item.pe === period.id).length,
    [queue.refused, orgUnitId, period.id],
  )

  return { values, errors, change, commit, saveState, refused }
}

export type EntryFormApi = ReturnType<typeof useEntryForm>
