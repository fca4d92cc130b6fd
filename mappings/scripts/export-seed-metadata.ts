/**
 * Writes the small seed's metadata snapshot to test-fixtures/small-seed-metadata.json, so that the
 * mappings tests compile the specs against the stand-in's real metadata without importing tests/ code.
 * Re-run after a change to the seed: `npx tsx mappings/scripts/export-seed-metadata.ts`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { createSeededState } from '@relais/dhis2-standin'

async function main(): Promise<void> {
  const { state } = createSeededState({
    size: 'small',
    now: new Date('2026-10-05T09:00:00Z'),
    timeZone: 'Africa/Porto-Novo',
    months: 0,
  })
  const target = join(__dirname, '..', 'test-fixtures', 'small-seed-metadata.json')
  // Formatted as the repository's prettier check expects, so a re-export leaves `prettier --check` green.
  const config = (await resolveConfig(target)) ?? {}
  writeFileSync(target, await format(JSON.stringify(state.metadata), { ...config, filepath: target }))
  console.log(`wrote ${target}: ${state.metadata.organisationUnits.length} org units`)
}

void main()
