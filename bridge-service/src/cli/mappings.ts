/**
 * `relais mappings validate [spec…]` and `relais mappings preview <spec> <sample>`: check mapping specs
 * against DHIS2's metadata (mapping drift shows as compile errors) and show what a sample file maps
 * to, as a readable table or JSON. Metadata come from a snapshot file (`--metadata`).
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { compileYaml, formatPreview, formatSpecError, type MetadataSnapshot } from '@relais/mappings'
import { readAll, readFile } from '../sources/files/read-file'
import type { FileSummary } from '../sources/files/findings'
import { LOCALE_OPTION, localeOf } from './args'
import { localNow } from './time'

export const MAPPINGS_USAGE = `Usage:
  relais mappings validate <spec.yaml>… --metadata <snapshot.json> [--now <date>] [--locale fr|en]
  relais mappings preview <spec.yaml> <sample.csv|.xlsx|.json> --metadata <snapshot.json> [--now <date>] [--json] [--locale fr|en]

  --metadata  a DHIS2 metadata snapshot (GET /api/metadata export, or mappings/test-fixtures/small-seed-metadata.json)
  --now       DHIS2 server-local date deciding open and expired periods (default: now in Africa/Porto-Novo)
  --json      print the mapped payload and the issues as JSON instead of a table`

interface Io {
  out(text: string): void
  err(text: string): void
}

function readMetadata(file: string | undefined): MetadataSnapshot {
  if (!file) throw new Error('--metadata <snapshot.json> is required (a DHIS2 metadata export)')
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(
      `cannot read the metadata snapshot ${file}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  const snapshot = raw as Partial<MetadataSnapshot>
  if (!Array.isArray(snapshot.dataSets) || !Array.isArray(snapshot.dataElements)) {
    throw new Error(`${file} is not a DHIS2 metadata snapshot: it has no dataSets / dataElements arrays`)
  }
  return snapshot as MetadataSnapshot
}

interface Sample {
  records: unknown[]
  /** What the file reader detected and flagged (CSV/XLSX only). */
  file?: FileSummary
}

/**
 * Records of a sample: a CSV or XLSX file read exactly as an upload is (encoding, separator and cell
 * findings included), a JSON array, or a Kobo page `{ results: [...] }`.
 */
async function readSample(file: string): Promise<Sample> {
  const bytes = readFileSync(file)
  if (!/\.json$/i.test(file)) {
    const { rows, summary } = await readAll(await readFile(bytes, basename(file)))
    return { records: rows.map((row) => row.cells), file: summary }
  }
  let raw: unknown
  try {
    raw = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new Error(
      `${file}: not valid JSON (give a .csv/.xlsx file, an array of records, or a Kobo page with "results")`,
    )
  }
  if (Array.isArray(raw)) return { records: raw }
  if (raw && typeof raw === 'object' && Array.isArray((raw as { results?: unknown }).results)) {
    return { records: (raw as { results: unknown[] }).results }
  }
  throw new Error(`${file}: expected an array of records or an object with "results"`)
}

/** Runs `relais mappings …`; returns the exit code (0 ok, 1 invalid specs, 2 bad usage). */
export async function runMappingsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      metadata: { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...LOCALE_OPTION,
      help: { type: 'boolean', default: false },
    },
  })
  const [verb, ...files] = positionals
  if (values.help || !verb) {
    io.out(MAPPINGS_USAGE)
    return values.help ? 0 : 2
  }
  const locale = localeOf(values)
  const now = values.now ?? localNow()
  const metadata = readMetadata(values.metadata)

  if (verb === 'validate') {
    if (files.length === 0) throw new Error('give at least one spec file to validate')
    let failed = 0
    for (const file of files) {
      const result = compileYaml(readFileSync(file, 'utf8'), metadata, { now })
      if (result.ok) io.out(`✓ ${file}${result.warnings.length ? ` (${result.warnings.length} warning(s))` : ''}`)
      else {
        failed++
        io.out(`✗ ${file}: ${result.errors.length} error(s)`)
        for (const error of result.errors) io.out(`  ${formatSpecError(error, locale, basename(file))}`)
      }
      for (const warning of result.warnings) io.out(`  ! ${formatSpecError(warning, locale, basename(file))}`)
    }
    return failed > 0 ? 1 : 0
  }

  if (verb === 'preview') {
    const [specFile, sampleFile] = files
    if (!specFile || !sampleFile) throw new Error('preview needs <spec.yaml> <sample.json>')
    const compiled = compileYaml(readFileSync(specFile, 'utf8'), metadata, { now })
    if (!compiled.ok) {
      for (const error of compiled.errors) io.err(formatSpecError(error, locale, basename(specFile)))
      return 1
    }
    const sample = await readSample(sampleFile)
    const result = compiled.mapper.mapBatch(sample.records)
    if (values.json) io.out(JSON.stringify({ file: sample.file, ...result }, null, 2))
    else {
      if (sample.file) io.out(describeFile(sample.file, locale))
      io.out(formatPreview(result, { json: false, locale }))
    }
    return 0
  }
  io.err(`unknown mappings command "${verb}"\n${MAPPINGS_USAGE}`)
  return 2
}

/** One line about the file as read, then its file-level findings. */
function describeFile(file: FileSummary, locale: 'fr' | 'en'): string {
  const fr = locale === 'fr'
  const encoding = file.encoding ? `${file.encoding.encoding}${file.encoding.bom ? ' + BOM' : ''}` : undefined
  const detected = [file.format.toUpperCase(), encoding, file.separator === '\t' ? 'tab' : file.separator]
    .filter(Boolean)
    .join(', ')
  const lines = [
    fr
      ? `Fichier ${file.filename} : ${detected}, ${file.rows} ligne(s)`
      : `File ${file.filename}: ${detected}, ${file.rows} row(s)`,
  ]
  for (const finding of file.findings) lines.push(`  ! ${finding.message}`)
  return `${lines.join('\n')}\n`
}
