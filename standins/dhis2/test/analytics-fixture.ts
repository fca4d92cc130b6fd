/**
 * A small, exact world for the analytics contract tests: the small seed without its reports
 * (`months: 0`), then a handful of values and registrations written straight into the stand-in's
 * store, so that every expected figure below can be computed by hand.
 *
 * Clock: 2026-11-10T10:00Z (11:00 in Porto-Novo). RC1, RC2 are two RC of one zone (zone A, aire A1);
 * RC3, RC4 two RC of another zone (zone B); RC4 opens on 2026-09-15 (not expected for September).
 */
import type { OrganisationUnit } from '@relais/mappings'
import { runAnalyticsTables } from '../src/analytics/tables'
import { uid } from '../src/seed'
import { registrationKey, type Registration } from '../src/store/state'
import { startStandin, type Client } from './support'

export const NOW = '2026-11-10T10:00:00Z'
export const de = (code: string) => uid('dataElement', code)
export const coc = (code: string) => uid('categoryOptionCombo', code)
export const ind = (code: string) => uid('indicator', code)
export const DS = uid('dataSet', 'RC_MENSUEL')
export const DEFAULT = coc('default')

export interface World {
  c: Client
  ou: (code: string) => OrganisationUnit
  RC1: string
  RC2: string
  RC3: string
  RC4: string
  AIRE_A: string
  ZONE_A: string
  ZONE_B: string
  DEP: string
  BJ: string
  put(
    deCode: string,
    period: string,
    orgUnit: string,
    value: string,
    options?: { coc?: string; lastUpdated?: string },
  ): void
  register(period: string, orgUnit: string, date: string, completed?: boolean): void
  run(): void
  /** GET /api/analytics?<query> as a user; the JSON body and status. */
  analytics(query: string, as?: string): Promise<{ status: number; body: any }> // eslint-disable-line @typescript-eslint/no-explicit-any -- asserted field by field
  /** Rows as a map "<dims joined by |>" → value, for order-independent comparisons. */
  rows(query: string, as?: string): Promise<Record<string, string>>
}

export async function startWorld(): Promise<World> {
  const c = await startStandin({ seed: 'small', now: NOW, months: 0 })
  const ctx = c.standin.ctx
  const ou = (code: string) => {
    const unit = ctx.state.metadata.organisationUnits.find((o) => o.code === code)
    if (!unit) throw new Error(`no org unit ${code}`)
    return unit
  }
  const parentOf = (id: string) => ctx.state.metadata.organisationUnits.find((o) => o.id === id)?.parent?.id ?? ''
  const RC1 = ou('RC-AQ-00001').id
  const RC2 = ou('RC-AQ-00002').id
  const RC3 = ou('RC-AQ-00003').id
  const RC4 = ou('RC-AQ-00004').id
  const AIRE_A = parentOf(RC1)
  const ZONE_A = parentOf(AIRE_A)
  const ZONE_B = parentOf(parentOf(RC3))
  // Preconditions on the seed's layout (small seed, seed number 1).
  if (parentOf(parentOf(RC2)) !== ZONE_A || parentOf(parentOf(RC4)) !== ZONE_B || ZONE_A === ZONE_B)
    throw new Error('seed layout changed: RC-AQ-00001/2 and 00003/4 must share zones')
  ou('RC-AQ-00004').openingDate = '2026-09-15T00:00:00.000'

  const world: World = {
    c,
    ou,
    RC1,
    RC2,
    RC3,
    RC4,
    AIRE_A,
    ZONE_A,
    ZONE_B,
    DEP: ou('BJ-AQ').id,
    BJ: ou('BJ').id,
    put(deCode, period, orgUnit, value, options = {}) {
      const lastUpdated = options.lastUpdated ?? '2026-10-20T09:00:00.000'
      ctx.state.dataValues.set(
        {
          dataElement: de(deCode),
          period,
          orgUnit,
          categoryOptionCombo: options.coc ? coc(options.coc) : DEFAULT,
          attributeOptionCombo: DEFAULT,
        },
        { value, followup: false, storedBy: 'test', created: lastUpdated, lastUpdated, deleted: false },
      )
    },
    register(period, orgUnit, date, completed = true) {
      const r: Registration = {
        dataSet: DS,
        period,
        organisationUnit: orgUnit,
        attributeOptionCombo: DEFAULT,
        date,
        storedBy: 'test',
        lastUpdated: date,
        lastUpdatedBy: 'test',
        completed,
      }
      ctx.state.registrations.set(registrationKey(r), r)
    },
    run() {
      runAnalyticsTables(ctx)
    },
    async analytics(query, as = 'admin') {
      const res = await c.call('GET', `/api/analytics?${query}`, { as })
      return { status: res.status, body: res.body }
    },
    async rows(query, as = 'admin') {
      const res = await c.call('GET', `/api/analytics?${query}`, { as })
      if (res.status !== 200) throw new Error(`${query} → ${res.status} ${JSON.stringify(res.body)}`)
      const width = (res.body.headers as unknown[]).length
      const out: Record<string, string> = {}
      for (const row of res.body.rows as string[][]) out[row.slice(0, width - 1).join('|')] = row[width - 1] as string
      return out
    },
  }
  return world
}

/**
 * The data every test file shares (see the file comment for who is who):
 * RC_PALU_TDR RC1 Jul 10, Aug 20, Sep 30; RC2 Sep 5; RC3 Sep 7. RC_PALU_TDR_POS RC1 Sep 12, RC2 Sep "0"
 * (not stored by analytics). RC_VIH_SENS RC1 Sep M 15-24: 4, F 15-24: 6, F 25+: 3. RC_RUPTURE RC1 Sep
 * true, RC2 Sep false. RC_CIBLE_TDR 2026 RC1 120, RC2 240. RC_VAD (SUM) 2026 RC1 100 (yearly data of a
 * monthly element). RC_CAUSERIES weekly RC1 2026W36: 2, W39: 3, W40: 4 (W40's Thursday is 1 October).
 * Registrations of RC_MENSUEL: RC1 Jul (2 Aug), RC1 Sep 2026-10-05T23:59 (on time), RC2 Sep
 * 2026-10-06T00:00:01 (late), RC3 Sep 2026-10-06T00:00:00.000 (last on-time instant), RC1 Aug not
 * completed.
 */
export function writeCommonData(w: World): void {
  w.put('RC_PALU_TDR', '202607', w.RC1, '10')
  w.put('RC_PALU_TDR', '202608', w.RC1, '20')
  w.put('RC_PALU_TDR', '202609', w.RC1, '30')
  w.put('RC_PALU_TDR', '202609', w.RC2, '5')
  w.put('RC_PALU_TDR', '202609', w.RC3, '7')
  w.put('RC_PALU_TDR_POS', '202609', w.RC1, '12')
  w.put('RC_PALU_TDR_POS', '202609', w.RC2, '0')
  w.put('RC_VIH_SENS', '202609', w.RC1, '4', { coc: 'M_A_15_24' })
  w.put('RC_VIH_SENS', '202609', w.RC1, '6', { coc: 'F_A_15_24' })
  w.put('RC_VIH_SENS', '202609', w.RC1, '3', { coc: 'F_A_25PLUS' })
  w.put('RC_RUPTURE', '202609', w.RC1, 'true')
  w.put('RC_RUPTURE', '202609', w.RC2, 'false')
  w.put('RC_CIBLE_TDR', '2026', w.RC1, '120')
  w.put('RC_CIBLE_TDR', '2026', w.RC2, '240')
  w.put('RC_VAD', '2026', w.RC1, '100')
  w.put('RC_CAUSERIES', '2026W36', w.RC1, '2')
  w.put('RC_CAUSERIES', '2026W39', w.RC1, '3')
  w.put('RC_CAUSERIES', '2026W40', w.RC1, '4')
  w.register('202607', w.RC1, '2026-08-02T10:00:00.000')
  w.register('202609', w.RC1, '2026-10-05T23:59:00.000')
  w.register('202609', w.RC2, '2026-10-06T00:00:01.000')
  w.register('202609', w.RC3, '2026-10-06T00:00:00.000')
  w.register('202608', w.RC1, '2026-09-03T10:00:00.000', false)
}
