/**
 * The small seed's metadata (exported by scripts/export-seed-metadata.ts) and the specs, for tests.
 * NOW is 2026-10-05 in Porto-Novo: September 2026 is open (until the 15th), August is expired and
 * October is not open yet (openFuturePeriods 0).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MetadataSnapshot } from '../src/dhis2/metadata'
import { MetadataIndex } from '../src/dhis2/metadata-index'
import { compileYaml, type CompileOptions } from '../src/engine/compile'
import type { Mapper } from '../src/engine/types'

export const NOW = '2026-10-05T10:00:00'
export const ROOT = join(__dirname, '..')

export const snapshot = JSON.parse(
  readFileSync(join(__dirname, 'small-seed-metadata.json'), 'utf8'),
) as MetadataSnapshot
export const index = new MetadataIndex(snapshot)

export function readSpec(name: string): string {
  return readFileSync(join(ROOT, 'specs', `${name}.yaml`), 'utf8')
}

export function readSample<T>(name: string): T {
  return JSON.parse(readFileSync(join(ROOT, 'samples', name), 'utf8')) as T
}

/** Compiles a spec of specs/ (or YAML text) and fails loudly: tests want the mapper. */
export function mapperFor(specOrYaml: string, options: Partial<CompileOptions> = {}): Mapper {
  const text = specOrYaml.includes('\n') ? specOrYaml : readSpec(specOrYaml)
  const result = compileYaml(text, index, { now: NOW, ...options })
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2))
  return result.mapper
}

export const uidOf = {
  dataSet: index.objects.dataSets.byCode.get('RC_MENSUEL')?.id ?? '?RC_MENSUEL',
  dataElement: (code: string) => index.objects.dataElements.byCode.get(code)?.id ?? `?${code}`,
  coc: (code: string) => index.objects.categoryOptionCombos.byCode.get(code)?.id ?? `?${code}`,
  orgUnit: (code: string) => index.objects.organisationUnits.byCode.get(code)?.id ?? `?${code}`,
}
export const codeOf = {
  dataElement: (id: string) => index.objects.dataElements.byId.get(id)?.code ?? id,
  coc: (id: string) => index.objects.categoryOptionCombos.byId.get(id)?.code ?? id,
  orgUnit: (id: string) => index.objects.organisationUnits.byId.get(id)?.code ?? id,
}
