/**
 * The national push (issue 19 §2), modelled on DHIS2's aggregate data exchange (dhis2-setup-ops.md §8): the
 * source request is an analytics query — the programme data set's elements by option combo, one period, the
 * org units at the configured level (zone sanitaire), output as codes —; its values are mapped code to code by
 * the national spec and posted to the national DHIS2 with `idScheme=CODE` (`dryRun=true` for a dry run). Then
 * what the national instance holds is read back (`GET /api/dataValueSets`) and the reconciliation report built
 * (reconcile.ts) and kept in the ledger with the push. A check reads both sides without pushing.
 *
 * Unlike DHIS2's exchange, which answers an import summary only, every cell ends in the report with the two
 * values and a reason for each difference; and the bridge drives it, so it runs against any national DHIS2
 * version without installing anything there.
 */
import { compileYaml, formatSpecError } from '@relais/mappings'
import { z } from 'zod'
import type { Dhis2Client } from '../dhis2/client'
import { interpretImportSummary } from '../dhis2/import-summary'
import type { HmisPushesRepository, HmisTrigger } from '../ledger/hmis-pushes'
import { chunks } from '../ledger/sql'
import { mapToNational, valuesFromAnalytics, type NationalValue, type ProgrammeValue } from './map-values'
import type { NationalSpec } from './national-spec'
import { countByStatus, reconcile, type PushOutcome, type ReportLine, type ReportMode } from './reconcile'

export interface NationalPushDeps {
  programme: Dhis2Client
  national: Dhis2Client
  pushes: HmisPushesRepository
  spec: NationalSpec
  /** The spec's YAML, compiled against the national instance's metadata by `validate` (lines in its errors). */
  specText?: string
  /** The programme's data set whose numeric elements are read. */
  sourceDataSet: string
  /** The org unit level the values are aggregated to. */
  level: number
  nationalUrl: string
}

export interface NationalPushResult {
  id: string
  mode: ReportMode
  period: string
  lines: ReportLine[]
  counts: Record<string, number>
  importCounts?: Record<string, number>
}

/** A user error of the push (bad period, unknown data set): said in both languages. */
export class HmisError extends Error {
  constructor(
    readonly en: string,
    readonly fr: string,
  ) {
    super(en)
  }
}

export const MONTHLY_PERIOD = /^\d{4}(0[1-9]|1[0-2])$/

/** `2026-10` or `202610` → DHIS2's monthly period id `202610`; undefined otherwise. */
export function monthlyPeriod(text: string): string | undefined {
  const id = text.trim().replace(/^(\d{4})-(\d{2})$/, '$1$2')
  return MONTHLY_PERIOD.test(id) ? id : undefined
}

const NUMERIC = new Set([
  'NUMBER',
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
  'PERCENTAGE',
  'UNIT_INTERVAL',
])

const dataSetsSchema = z.object({
  dataSets: z.array(
    z.object({
      dataSetElements: z.array(
        z.object({ dataElement: z.object({ id: z.string(), code: z.string().optional(), valueType: z.string() }) }),
      ),
    }),
  ),
})
const cocsSchema = z.object({
  categoryOptionCombos: z.array(z.object({ id: z.string(), code: z.string().optional() })),
})
const gridSchema = z.object({
  headers: z.array(z.object({ name: z.string() })),
  rows: z.array(z.array(z.string())),
})
const dataValueSetSchema = z.object({
  dataValues: z
    .array(
      z.object({
        dataElement: z.string(),
        period: z.string(),
        orgUnit: z.string(),
        categoryOptionCombo: z.string().optional(),
        value: z.string().nullish(),
        deleted: z.boolean().optional(),
      }),
    )
    .optional(),
})

export interface RunOptions {
  mode: ReportMode
  period: string
  actor: string
  trigger: HmisTrigger
}

export class NationalPush {
  constructor(private readonly deps: NationalPushDeps) {}

  /**
   * The spec compiled against the national instance's metadata by the mappings engine (the same check as
   * `relais mappings validate`): a national code, option combo or zone it does not hold is an error at its line.
   */
  async validate(locale: 'fr' | 'en' = 'en'): Promise<{ errors: string[]; warnings: string[] }> {
    const { national, spec, specText } = this.deps
    if (specText === undefined) return { errors: [], warnings: [] }
    const { snapshot, missingDataSetCodes } = await national.getMetadataSnapshot([spec.dataSet])
    if (missingDataSetCodes.length > 0)
      return {
        errors: [
          locale === 'fr'
            ? `le DHIS2 national n’a pas de data set ${spec.dataSet}`
            : `the national DHIS2 has no data set ${spec.dataSet}`,
        ],
        warnings: [],
      }
    const result = compileYaml(specText, snapshot, { now: new Date().toISOString().slice(0, 19) })
    const format = (e: Parameters<typeof formatSpecError>[0]) => formatSpecError(e, locale, spec.id)
    return { errors: result.ok ? [] : result.errors.map(format), warnings: result.warnings.map(format) }
  }

  /** Reads the programme's zone totals of a period (the exchange's source request). */
  async readProgramme(period: string): Promise<ProgrammeValue[]> {
    const { programme, sourceDataSet, level } = this.deps
    const sets = await programme.getJson(
      '/dataSets',
      {
        filter: `code:eq:${sourceDataSet}`,
        fields: 'dataSetElements[dataElement[id,code,valueType]]',
        paging: 'false',
      },
      dataSetsSchema,
    )
    const elements = (sets?.dataSets[0]?.dataSetElements ?? [])
      .map((e) => e.dataElement)
      .filter((e) => NUMERIC.has(e.valueType))
    if (!sets?.dataSets[0])
      throw new HmisError(
        `the programme's DHIS2 has no data set ${sourceDataSet} (hmis.sourceDataSet)`,
        `le DHIS2 du programme n’a pas de data set ${sourceDataSet} (hmis.sourceDataSet)`,
      )
    if (elements.length === 0) return []
    const cocs = await programme.getJson('/categoryOptionCombos', { fields: 'id,code', paging: 'false' }, cocsSchema)
    const cocCodes = new Map((cocs?.categoryOptionCombos ?? []).map((c) => [c.id, c.code ?? c.id]))
    // `dimension` repeated, as DHIS2 reads it; the `co` dimension splits each element by its option combos.
    const grid = await programme.getJson(
      '/analytics',
      {
        dimension: [`dx:${elements.map((e) => e.id).join(';')}`, 'co', `pe:${period}`, `ou:LEVEL-${level}`],
        outputIdScheme: 'CODE',
      },
      gridSchema,
    )
    return valuesFromAnalytics(grid ?? { headers: [], rows: [] }, cocCodes)
  }

  /** What the national instance holds for the period in the spec's data set and zones. */
  async readNational(period: string): Promise<NationalValue[]> {
    const { national, spec } = this.deps
    const out: NationalValue[] = []
    // Comma-separated org units (Spring splits them into the set DHIS2 reads), a bounded number per request so
    // that a country's zones never make a URL a proxy refuses.
    for (const zones of chunks([...new Set(spec.orgUnits.values())], 50)) {
      const body = await national.getJson(
        '/dataValueSets',
        { dataSet: spec.dataSet, period, orgUnit: zones.join(','), inputIdScheme: 'CODE', idScheme: 'CODE' },
        dataValueSetSchema,
      )
      for (const v of body?.dataValues ?? [])
        if (!v.deleted && v.value !== null && v.value !== undefined)
          out.push({
            period: v.period,
            orgUnit: v.orgUnit,
            dataElement: v.dataElement,
            categoryOptionCombo: v.categoryOptionCombo ?? 'default',
            value: v.value,
          })
    }
    return out
  }

  async run(options: RunOptions): Promise<NationalPushResult> {
    return (await this.begin(options)).done
  }

  /**
   * Checks the period, records the push (its id is known at once: the API answers 202 with it) and starts the
   * work; `done` settles when the report is kept (or the push marked failed).
   */
  async begin(options: RunOptions): Promise<{ id: string; done: Promise<NationalPushResult> }> {
    const period = monthlyPeriod(options.period)
    if (!period)
      throw new HmisError(
        `"${options.period.slice(0, 40)}" is not a month: write YYYY-MM, e.g. 2026-10`,
        `« ${options.period.slice(0, 40)} » n’est pas un mois : écrivez AAAA-MM, par exemple 2026-10`,
      )
    const { spec, pushes } = this.deps
    const id = await pushes.start({
      mode: options.mode,
      period,
      actor: options.actor,
      trigger: options.trigger,
      specId: spec.id,
      specVersion: spec.version,
      nationalUrl: this.deps.nationalUrl,
    })
    return { id, done: this.work(id, options.mode, period) }
  }

  private async work(id: string, mode: ReportMode, period: string): Promise<NationalPushResult> {
    const { spec, pushes } = this.deps
    try {
      const mapped = mapToNational(await this.readProgramme(period), spec)
      let outcomes: PushOutcome[] | undefined
      let importCounts: Record<string, number> | undefined
      if (mode !== 'check' && mapped.planned.length > 0) {
        const dataValues = mapped.planned.map((p) => p.target)
        const summary = await this.deps.national.postDataValueSets(
          { dataSet: spec.dataSet, dataValues },
          { idScheme: 'code', dryRun: mode === 'dry-run' },
        )
        const interpreted = interpretImportSummary(dataValues, summary)
        outcomes = interpreted.values
        const { imported, updated, ignored, deleted } = summary.importCount
        importCounts = { imported, updated, ignored, deleted }
      }
      const national = await this.readNational(period)
      const lastSent = mode === 'check' ? await pushes.lastSent(period) : undefined
      const lines = reconcile({
        mode,
        spec,
        mapped,
        national,
        ...(outcomes ? { outcomes } : {}),
        ...(lastSent ? { lastSent } : {}),
      })
      const counts = countByStatus(lines)
      await pushes.finish(id, { lines, counts, ...(importCounts ? { importCounts } : {}) })
      return { id, mode, period, lines, counts, ...(importCounts ? { importCounts } : {}) }
    } catch (error) {
      await pushes.fail(id, error instanceof Error ? error.message : String(error))
      throw error
    }
  }
}
