/**
 * The programme's data values in DHIS2 per month (issue 17 §3): one analytics query counting the values of the
 * monthly report's numeric data elements (aggregationType COUNT) over the bridge account's org units, for the last 12
 * months. From DHIS2's analytics tables: as fresh as their last run (nightly, `relais setup`).
 */
import { z } from 'zod'
import { relaisPackage } from '@relais/metadata'
import type { Dhis2Client } from '../dhis2'

const answer = z.object({ rows: z.array(z.array(z.string())).default([]) })

export async function dhis2ValuesPerMonth(
  dhis2: Dhis2Client,
): Promise<Array<{ period: string; values: number }> | undefined> {
  const pkg = relaisPackage()
  const monthly = pkg.dataSets.find((d) => d.code === 'RC_MENSUEL')
  if (!monthly) return undefined
  // Analytics counts only what it can aggregate (E7115 otherwise): the numbers, not the yes/no or the free text.
  const countable = new Set(
    pkg.dataElements
      .filter((e) => /^(INTEGER|NUMBER)/.test(e.valueType) && e.aggregationType !== 'NONE')
      .map((e) => e.id),
  )
  const elements = monthly.dataSetElements.map((e) => e.dataElement.id).filter((id) => countable.has(id))
  try {
    const body = await dhis2.getJson(
      '/analytics',
      {
        dimension: ['pe:LAST_12_MONTHS'],
        filter: [`dx:${elements.join(';')}`, 'ou:USER_ORGUNIT'],
        aggregationType: 'COUNT',
        skipMeta: true,
      },
      answer,
    )
    return (body?.rows ?? [])
      .map(([period = '', value = '0']) => ({ period, values: Math.round(Number(value)) }))
      .sort((a, b) => a.period.localeCompare(b.period))
  } catch {
    // Analytics not run yet, or refused: the rest of the report stands without it.
    return undefined
  }
}
