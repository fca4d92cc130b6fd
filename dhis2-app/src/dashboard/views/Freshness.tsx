import i18n from '@dhis2/d2-i18n'
import { formatDay, uiLanguage } from '../../shared/language'
import { serverNow } from '../../shared/serverTime'
import { analyticsAsOf, type SystemInfo } from '../analytics/useDashboardData'
import classes from '../Dashboard.module.css'
import { hoursBetween, timeOf } from '../format'

/** Analytics older than this are flagged: the nightly run has probably failed. */
const STALE_HOURS = 36

function age(hours: number): string {
  if (hours < 1) return i18n.t('less than an hour ago')
  if (hours < 48) return i18n.t('{{hours}} h ago', { hours })
  return i18n.t('{{days}} days ago', { days: Math.floor(hours / 24) })
}

/**
 * How fresh the figures are (`lastAnalyticsTableSuccess` of /api/system/info), and that the reports
 * completed since are added from the completion registrations.
 */
export function Freshness({
  info,
  freshCount,
}: {
  info: SystemInfo & { readAt: number }
  /** Completions after the run counted into the figures; undefined when the view does not add them. */
  freshCount?: number
}) {
  const asOf = analyticsAsOf(info)
  if (!asOf) {
    return <p className={classes.freshness}>{i18n.t('Analytics have never been run on this server.')}</p>
  }
  const hours = hoursBetween(asOf, serverNow(info.serverDate, info.readAt))
  const stale = hours >= STALE_HOURS
  return (
    <div className={stale ? `${classes.freshness} ${classes.stale}` : classes.freshness} role="status">
      <p>
        {i18n.t('Analytics last updated on {{date}} at {{time}} ({{age}}).', {
          date: formatDay(asOf.slice(0, 10), uiLanguage()),
          time: timeOf(asOf),
          age: age(hours),
          interpolation: { escapeValue: false },
        })}{' '}
        {stale && i18n.t('The figures may be out of date.')}
      </p>
      {freshCount !== undefined && (
        <p>
          {i18n.t('Reports completed since then are counted from the completion registrations ({{added}} added).', {
            added: freshCount,
          })}
        </p>
      )}
    </div>
  )
}
