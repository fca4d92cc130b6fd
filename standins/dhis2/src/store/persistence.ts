/** Saves the state to a JSON file and loads it back (the demo keeps its data between restarts). */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { DataValueStore, type SavedRow } from './data-values'
import { EventStore } from './events'
import type { StandinState } from './state'

const FORMAT = 'relais-dhis2-standin-state/2'

export function serialiseState(state: StandinState): string {
  return JSON.stringify({
    format: FORMAT,
    ...state,
    credentials: [...state.credentials],
    // Rows keep the store's compact form: a value equal to its row's defaults is a bare string.
    dataValues: state.dataValues.exportRows(),
    registrations: [...state.registrations],
    dataStore: [...state.dataStore].map(([ns, keys]) => [ns, [...keys]]),
    events: state.events?.exportRows() ?? [],
  })
}

export function deserialiseState(text: string): StandinState {
  const raw = JSON.parse(text) as Record<string, unknown> & { format?: string }
  if (raw.format !== FORMAT)
    throw new Error(`Not a stand-in state file (format ${String(raw.format)}, expected ${FORMAT})`)
  const dataValues = new DataValueStore()
  dataValues.importRows(raw.dataValues as SavedRow[])
  const state = raw as unknown as StandinState
  return {
    ...state,
    credentials: new Map(
      raw.credentials as [string, StandinState['credentials'] extends Map<string, infer C> ? C : never][],
    ),
    dataValues,
    registrations: new Map(raw.registrations as [string, never][]),
    dataStore: new Map((raw.dataStore as [string, [string, never][]][]).map(([ns, keys]) => [ns, new Map(keys)])),
    events: EventStore.fromRows(raw.events),
  }
}

export function saveState(state: StandinState, file: string): void {
  mkdirSync(dirname(file), { recursive: true })
  // Write then rename, so that a crash mid-write never leaves a truncated state file.
  const tmp = `${file}.tmp`
  writeFileSync(tmp, serialiseState(state))
  renameSync(tmp, file)
}

export function loadState(file: string): StandinState {
  return deserialiseState(readFileSync(file, 'utf8'))
}
