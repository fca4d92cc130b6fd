/**
 * Content hashes and deterministic job ids. Pure.
 *
 * - A record's content hash is SHA-256 over a canonical JSON (keys sorted at every depth), so that the same
 *   submission serialised with its keys in another order is the same content.
 * - A value's hash covers its upsert key and what DHIS2 stores for it (value, comment): equal hash = DHIS2
 *   already holds exactly this from us, so the value is not re-sent (DESIGN.md "unchanged").
 * - Job ids are derived from what the job is about, so that enqueueing the same work twice (a retried intake,
 *   reconciliation racing a late enqueue) adds one job, not two: BullMQ ignores an add whose id exists.
 */
import { hash } from 'node:crypto'
import { MAX_DEPTH, TOO_DEEP_MARKER } from './intake/clean-text'

/**
 * JSON with object keys sorted, recursively; `undefined` members are dropped as JSON.stringify does. A received
 * `__proto__` key is data like any other and is hashed (a plain `{}` would take it as the prototype and drop
 * it). Past MAX_DEPTH a subtree hashes as a marker: intake cuts records there anyway (clean-text.ts), and the
 * walk must never overflow the stack on hostile input.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, 0))
}

function sortKeys(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return TOO_DEEP_MARKER
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeys(item, depth + 1))
  if (value instanceof Date) return value.toISOString()
  const out = Object.create(null) as Record<string, unknown>
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key], depth + 1)
  return out
}

/** One-shot `crypto.hash`: no Hash object per call (this runs for every value, on map and on push). */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex')
}

/** The content hash of a raw record as received. */
export function contentHash(raw: unknown): string {
  return sha256(canonicalJson(raw ?? null))
}

export interface HashableValue {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo: string
  value: string
  comment?: string | null
  deleted?: boolean
}

/** The hash of one data value as sent to DHIS2 (key + content). */
export function valueHash(v: HashableValue): string {
  return sha256(
    JSON.stringify([
      v.dataElement,
      v.period,
      v.orgUnit,
      v.categoryOptionCombo,
      v.attributeOptionCombo,
      v.deleted === true ? null : v.value,
      v.comment ?? null,
    ]),
  ).slice(0, 32)
}

/**
 * A BullMQ job id for `stage` over `recordIds`. `generation` distinguishes a new round of work on the same
 * records (a release, a retry by hand): without it the add would be ignored while the previous job is kept
 * in the completed set. BullMQ refuses `:` in custom ids, hence `_`.
 */
export function jobIdOf(stage: 'map' | 'push' | 'complete', recordIds: readonly string[], generation = ''): string {
  const digest = sha256(`${generation}\n${[...recordIds].sort().join('\n')}`).slice(0, 24)
  return `${stage}_${digest}`
}
