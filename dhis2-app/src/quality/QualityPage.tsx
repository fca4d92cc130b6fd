// « Qualité des données » (issue 15 §3): the findings of a zone over a range of months — outliers, validation
// rule violations, values marked for follow-up, missing disaggregations — each with a link to the RC's form,
// the zone's monthly quality score, and for data managers the review of each finding.
import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox } from '@dhis2/ui'
import { useSearchParams } from 'react-router-dom'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import type { CurrentUser } from '../shared/currentUser'
import { Select } from '../shared/Select'
import { uiLanguage } from '../shared/language'
import { parsePeriod, periodName } from '../shared/mappings'
import { DATA_SET_CODE } from '../shared/programme'
import { serverNow } from '../shared/serverTime'
import { useLoad } from '../shared/useLoad'
import { FindingsView } from './FindingsView'
import { QualityError } from './QualityError'
import classes from './Quality.module.css'
import { useQualityAccess } from './useQualityAccess'
import { endedMonths, monthRange, OFFERED_MONTHS } from './qualityMonths'
import { loadQualityMetadata, type QualityAccess, type QualityMetadata } from './qualityData'
import { ZONE_LEVEL } from './score'

export interface Zone {
  id: string
  name: string
  code?: string
  /** A unit above the zones: every zone under it. */
  allZones?: boolean
}

function zoneLabel(zone: Zone): string {
  if (zone.allZones) return i18n.t('{{name}} — all zones', { interpolation: { escapeValue: false }, name: zone.name })
  return zone.code ? `${zone.name} (${zone.code})` : zone.name
}

interface Loaded {
  meta: QualityMetadata | null
  /** DHIS2's clock, moved on with the browser's (reviews are dated by it). */
  now: () => string
  zones: Zone[]
}

/**
 * What a user may look at: each of their own units above the zones (all its zones at once: a data manager's
 * whole country), then the zones in their part of the hierarchy (or their own units when they sit deeper).
 */
async function loadZones(api: QualityAccess, user: CurrentUser): Promise<Zone[]> {
  const answer = (await api.get('organisationUnits', {
    filter: `level:eq:${ZONE_LEVEL}`,
    fields: 'id,displayName,code,path',
    paging: false,
  })) as { organisationUnits?: Array<{ id: string; displayName: string; code?: string; path: string }> }
  const roots = user.organisationUnits.map((u) => u.id)
  const zones = (answer.organisationUnits ?? [])
    .filter((z) => z.path.split('/').some((id) => roots.includes(id)))
    .map((z) => ({ id: z.id, name: z.displayName, code: z.code }))
    .sort((a, b) => a.name.localeCompare(b.name))
  const above = user.organisationUnits
    .filter((u) => u.level < ZONE_LEVEL)
    .map((u) => ({ id: u.id, name: u.name, allZones: true }))
  if (zones.length === 0) return user.organisationUnits.map((u) => ({ id: u.id, name: u.name }))
  return [...above, ...zones]
}

export function QualityPage() {
  const { user } = useCurrentUser()
  const api = useQualityAccess()
  const load = useLoad<Loaded>('quality-meta', async () => {
    const readAt = Date.now()
    const [meta, info, zones] = await Promise.all([
      loadQualityMetadata(api),
      api.get('system/info') as Promise<{ serverDate: string }>,
      loadZones(api, user),
    ])
    return { meta, now: () => serverNow(info.serverDate, readAt), zones }
  })
  if (load.error) return <QualityError title={i18n.t('Could not load the data-quality screen')} error={load.error} />
  if (!load.data) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the data-quality screen')} />
      </div>
    )
  }
  if (load.data.meta === null) {
    return (
      <NoticeBox error title={i18n.t('The monthly report is not set up in DHIS2')}>
        {i18n.t('The data set {{code}} was not found. Ask your administrator.', {
          interpolation: { escapeValue: false },
          code: DATA_SET_CODE,
        })}
      </NoticeBox>
    )
  }
  return <Quality meta={load.data.meta} now={load.data.now} zones={load.data.zones} />
}

function Quality({ meta, now, zones }: { meta: QualityMetadata; now: () => string; zones: Zone[] }) {
  const [params, setParams] = useSearchParams()
  const language = uiLanguage()
  const offered = endedMonths(now().slice(0, 10), OFFERED_MONTHS)
  const months = monthRange(offered, params.get('from'), params.get('to'))
  const zone = zones.find((z) => z.id === params.get('ou')) ?? zones[0]
  const select = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params)
    for (const [k, v] of Object.entries(changes)) next.set(k, v)
    setParams(next)
  }
  const monthOptions = offered.map((id) => {
    const period = parsePeriod(id)
    return { value: id, label: period ? periodName(period, language) : id }
  })
  const from = months[0] ?? ''
  const to = months[months.length - 1] ?? ''
  return (
    <div className={classes.page}>
      <h2 className={classes.pageTitle}>{i18n.t('Data quality')}</h2>
      <div className={classes.contextBar}>
        <Select
          className={classes.field}
          name="relais-quality-zone"
          label={i18n.t('Health zone')}
          options={zones.map((z) => ({ value: z.id, label: zoneLabel(z) }))}
          value={zone?.id ?? ''}
          onChange={(value) => {
            if (value && value !== zone?.id) select({ ou: value })
          }}
        />
        <Select
          className={classes.field}
          name="relais-quality-from"
          label={i18n.t('From')}
          options={monthOptions}
          value={from}
          onChange={(value) => {
            // A start after the end moves the end with it.
            if (value && value !== from) select({ from: value, to: value > to ? value : to })
          }}
        />
        <Select
          className={classes.field}
          name="relais-quality-to"
          label={i18n.t('To')}
          options={monthOptions}
          value={to}
          onChange={(value) => {
            if (value && value !== to) select({ to: value, from: value < from ? value : from })
          }}
        />
      </div>
      {zone ? (
        <FindingsView key={`${zone.id}|${from}|${to}`} meta={meta} zone={zone} months={months} now={now} />
      ) : (
        <p className={classes.muted}>{i18n.t('No organisation unit is assigned to your account.')}</p>
      )}
    </div>
  )
}
