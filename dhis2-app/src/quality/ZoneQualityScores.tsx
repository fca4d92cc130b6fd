// The dashboard's « Score qualité » (issue 15 §3): the monthly quality score of each zone under the chosen
// unit (or of the unit's own zone) for the chosen month, computed as on the data-quality screen (score.ts).
import i18n from '@dhis2/d2-i18n'
import { CircularLoader } from '@dhis2/ui'
import { useLoad } from '../shared/useLoad'
import classes from './Quality.module.css'
import { QualityError } from './QualityError'
import { loadQualityData, loadQualityMetadata } from './qualityData'
import { useQualityAccess } from './useQualityAccess'
import { QualityScoreTable } from './QualityScoreTable'
import { loadReviews } from './reviewStore'
import { ZONE_LEVEL, zoneMonthScores, zoneOfPath } from './score'

interface Props {
  orgUnit: { id: string; name: string; level: number; path: string }
  /** A month, `YYYYMM`. */
  month: string
}

export function ZoneQualityScores({ orgUnit, month }: Props) {
  const api = useQualityAccess()
  // Above a zone: every zone under it; a zone or below: that zone.
  const root = orgUnit.level <= ZONE_LEVEL ? orgUnit.id : (zoneOfPath(orgUnit.path) ?? orgUnit.id)
  const load = useLoad(`${root}|${month}`, async () => {
    const meta = await loadQualityMetadata(api)
    if (!meta) return null
    const [data, reviews, zones] = await Promise.all([
      loadQualityData(api, meta, root, [month]),
      loadReviews(api, [month]),
      api.get('organisationUnits', {
        filter: `level:eq:${ZONE_LEVEL}`,
        fields: 'id,displayName,code,path',
        paging: false,
      }) as Promise<{ organisationUnits?: Array<{ id: string; displayName: string; code?: string; path: string }> }>,
    ])
    const names = new Map(
      (zones.organisationUnits ?? []).map((z) => [z.id, z.code ? `${z.displayName} (${z.code})` : z.displayName]),
    )
    const scores = zoneMonthScores(
      data.findings,
      data.reporting,
      (rc) => {
        const path = data.rcs.get(rc)?.path
        return path ? zoneOfPath(path) : undefined
      },
      (f) => reviews.has(f.id),
    )
    return scores
      .map((s) => ({ key: s.zone, label: names.get(s.zone) ?? s.zone, score: s }))
      .sort((a, b) => a.label.localeCompare(b.label))
  })
  const caption = i18n.t('Quality score')
  if (load.error)
    return <QualityError title={i18n.t('Could not load the quality score')} error={load.error} retry={load.reload} />
  if (load.data === undefined) {
    return (
      <div className={classes.centered}>
        <CircularLoader small aria-label={i18n.t('Loading the quality score')} />
      </div>
    )
  }
  if (load.data === null) return null
  return <QualityScoreTable caption={caption} firstColumn={i18n.t('Health zone')} rows={load.data} />
}
