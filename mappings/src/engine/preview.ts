/**
 * What `relais mappings preview` prints: a readable table of each record's outcome, values and issues
 * (French or English), or the batch as JSON. Pure: the CLI only writes the string.
 */
import type { MappingIssue } from './issues'
import type { BatchRecord, BatchResult } from './types'

export interface PreviewOptions {
  json: boolean
  locale?: 'fr' | 'en'
  /** List each record's values (default true); false prints only outcomes and issues. */
  values?: boolean
}

const STATUS: Record<string, [fr: string, en: string]> = {
  ok: ['ok', 'ok'],
  invalid: ['invalide', 'invalid'],
  empty: ['vide', 'empty'],
  duplicate: ['doublon', 'duplicate'],
  superseded: ['remplacé', 'superseded'],
}

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: string[][], indent = ''): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)))
  return rows.map((row) =>
    (
      indent +
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length)))
        .join('  ')
    ).trimEnd(),
  )
}

function issueRow(mark: string, issue: MappingIssue, locale: 'fr' | 'en'): string[] {
  const raw =
    issue.raw === undefined ? '' : JSON.stringify(issue.raw.length > 40 ? `${issue.raw.slice(0, 40)}…` : issue.raw)
  return [mark, issue.code, issue.field ?? '', raw, issue.message[locale]]
}

function recordLines(r: BatchRecord, locale: 'fr' | 'en', withValues: boolean): string[] {
  const fr = locale === 'fr'
  const status = STATUS[r.status]?.[fr ? 0 : 1] ?? r.status
  const count = `${r.dataValues.length} ${fr ? 'valeur(s)' : 'value(s)'}`
  const head = `#${r.index + 1}  ${status}  ${r.orgUnitCode ?? '—'}  ${r.period ?? '—'}  ${count}${r.key ? `  [${r.key}]` : ''}`
  const lines = [head]
  if (withValues && r.dataValues.length > 0) {
    lines.push(
      ...table(
        r.dataValues.map((v, i) => {
          const o = r.origins[i]
          return [
            o?.dataElement ?? v.dataElement,
            o?.categoryOptionCombo ?? v.categoryOptionCombo,
            v.value.length > 60 ? `${v.value.slice(0, 60)}…` : v.value,
            o?.field ?? '',
          ]
        }),
        '    ',
      ),
    )
  }
  const issues = [...r.errors.map((e) => issueRow('✗', e, locale)), ...r.warnings.map((w) => issueRow('!', w, locale))]
  if (issues.length > 0) lines.push(...table(issues, '    '))
  return lines
}

export function formatPreview(result: BatchResult, options: PreviewOptions): string {
  if (options.json) return `${JSON.stringify(result, null, 2)}\n`
  const locale = options.locale ?? 'fr'
  const fr = locale === 'fr'
  const s = result.summary
  const title = `${result.spec.id} v${result.spec.version} → ${result.spec.dataSet}`
  const summary = fr
    ? `${s.records} enregistrement(s) : ${s.ok} ok, ${s.invalid} invalide(s), ${s.empty} vide(s), ${s.duplicate} doublon(s), ${s.superseded} remplacé(s) — ${s.values} valeur(s) à envoyer, ${s.errors} erreur(s), ${s.warnings} avertissement(s)`
    : `${s.records} record(s): ${s.ok} ok, ${s.invalid} invalid, ${s.empty} empty, ${s.duplicate} duplicate, ${s.superseded} superseded — ${s.values} value(s) to send, ${s.errors} error(s), ${s.warnings} warning(s)`
  const lines = [title, summary, '']
  for (const r of result.records) lines.push(...recordLines(r, locale, options.values ?? true), '')
  return `${lines.join('\n').trimEnd()}\n`
}
