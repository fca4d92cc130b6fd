/** Saves the state to a JSON file and loads it back (the demo keeps its data between restarts). */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { DataValueStore, type DataValueRecord } from './data-values'
import type { StandinState } from './state'

const FORMAT = 'relais-dhis2-standin-state/1'

export function serialiseState(state: StandinState): string {
  const values: DataValueRecord[] = [...state.dataValues.all()]
  return JSON.stringify({
    format: FORMAT,
    ...state,
    credentials: [...state.credentials],
    dataValues: values,
    registrations: [...state.registrations],
    dataStore: [...state.dataStore].map(([ns, keys]) => [ns, [...keys]]),
  })
}

export function deserialiseState(text: string): StandinState {
  const raw = JSON.parse(text) as Record<string, unknown> & { format?: string }
  if (raw.format !== FORMAT)
    throw new Error(`Not a stand-in state file (format ${String(raw.format)}, expected ${FORMAT})`)
  const dataValues = new DataValueStore()
  for (const v of raw.dataValues as DataValueRecord[]) {
    const { dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo, ...stored } = v
    dataValues.set({ dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo }, stored)
  }
  const state = raw as unknown as StandinState
  return {
    ...state,
    credentials: new Map(
      raw.credentials as [string, StandinState['credentials'] extends Map<string, infer C> ? C : never][],
    ),
    dataValues,
    registrations: new Map(raw.registrations as [string, never][]),
    dataStore: new Map((raw.dataStore as [string, [string, never][]][]).map(([ns, keys]) => [ns, new Map(keys)])),
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
