/**
 * Checks across the records of one batch (one file, one pull): a record replaced by a later version in
 * the same batch (Kobo's `meta/deprecatedID`) is superseded; the same org unit and period twice is a
 * harmless duplicate when the values are the same (sent once), and an error on every record involved
 * when they differ — nobody can tell which numbers are right, so none is sent silently.
 */
import { mappingIssue } from './issues'
import type { BatchRecord, BatchResult, MapResult, Mapper } from './types'

function signature(result: MapResult): string {
  return result.dataValues
    .map((v) => `${v.dataElement}.${v.categoryOptionCombo}=${v.value}`)
    .sort()
    .join('\n')
}

export function mapBatch(mapper: Mapper, records: readonly unknown[]): BatchResult {
  const results: BatchRecord[] = records.map((record, index) => ({ ...mapper.map(record), index }))

  const byVersion = new Map<string, BatchRecord>()
  for (const r of results) if (r.version !== undefined) byVersion.set(r.version, r)
  for (const r of results) {
    const old = r.replaces === undefined ? undefined : byVersion.get(r.replaces)
    if (!old || old === r) continue
    old.status = 'superseded'
    old.dataValues = []
    old.origins = []
    old.warnings.push(
      mappingIssue('SUPERSEDED', {
        fr: `Remplacé par la version ${r.version ?? '?'} (enregistrement ${r.index + 1}) du même lot.`,
        en: `Replaced by version ${r.version ?? '?'} (record ${r.index + 1}) of the same batch.`,
      }),
    )
  }

  const groups = new Map<string, BatchRecord[]>()
  for (const r of results) {
    if ((r.status !== 'ok' && r.status !== 'invalid') || r.orgUnit === undefined || r.period === undefined) continue
    const key = `${r.orgUnit}|${r.period}`
    const group = groups.get(key)
    if (group) group.push(r)
    else groups.set(key, [r])
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue
    const first = group[0] as BatchRecord
    const rows = group.map((r) => r.index + 1).join(', ')
    const same = group.every((r) => r.status === 'ok' && signature(r) === signature(first))
    for (const r of same ? group.slice(1) : group) {
      if (same) {
        r.status = 'duplicate'
        r.dataValues = []
        r.origins = []
        r.warnings.push(
          mappingIssue('DUPLICATE_RECORD', {
            fr: `Doublon de l’enregistrement ${first.index + 1} (même unité, même période, mêmes valeurs) : envoyé une seule fois.`,
            en: `Duplicate of record ${first.index + 1} (same org unit, period and values): sent once.`,
          }),
        )
      } else {
        r.status = 'invalid'
        r.errors.push(
          mappingIssue(
            'CONFLICTING_RECORDS',
            {
              fr: `${r.orgUnitCode ?? r.orgUnit} / ${r.period} apparaît dans les enregistrements ${rows} avec des valeurs différentes : gardez-en un seul.`,
              en: `${r.orgUnitCode ?? r.orgUnit} / ${r.period} appears in records ${rows} with different values: keep only one.`,
            },
            { raw: rows },
          ),
        )
      }
    }
  }

  const summary = {
    records: results.length,
    ok: 0,
    invalid: 0,
    empty: 0,
    duplicate: 0,
    superseded: 0,
    values: 0,
    errors: 0,
    warnings: 0,
  }
  for (const r of results) {
    summary[r.status]++
    if (r.status === 'ok') summary.values += r.dataValues.length
    summary.errors += r.errors.length
    summary.warnings += r.warnings.length
  }
  return {
    spec: { id: mapper.spec.id, version: mapper.spec.version, dataSet: mapper.dataSet.code ?? mapper.dataSet.id },
    summary,
    records: results,
  }
}
