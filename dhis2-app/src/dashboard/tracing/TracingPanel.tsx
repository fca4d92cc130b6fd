import { useConfig, useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox } from '@dhis2/ui'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import type { Language } from '../../shared/language'
import { useLoad } from '../../shared/useLoad'
import classes from '../Dashboard.module.css'
import { formatNumber, formatPercent } from '../format'
import { Card } from '../views/Card'
import { loadTracingIndicators } from './loadTracingIndicators'

/** « Recherche des perdus de vue »: the cases of the period under the org unit and what their tracing came to. */
export function TracingPanel({
  orgUnit,
  period,
  language,
}: {
  orgUnit: { id: string; name: string }
  period: Pick<Period, 'id' | 'startDate' | 'endDate'>
  language: Language
}) {
  const engine = useDataEngine()
  const { serverVersion } = useConfig()
  const { loading, error, data } = useLoad(`${orgUnit.id}|${period.id}`, () =>
    loadTracingIndicators(engine, orgUnit.id, period, serverVersion?.minor),
  )
  return (
    <section className={classes.panel} aria-labelledby="relais-tracing-indicators" data-test="relais-tracing-panel">
      <div className={classes.panelHeader}>
        <h3 id="relais-tracing-indicators" className={classes.panelTitle}>
          {i18n.t('Tracing of people lost to follow-up')}
        </h3>
      </div>
      {error ? (
        <NoticeBox warning title={i18n.t('Could not load the tracing figures')}>
          {error.message}
        </NoticeBox>
      ) : loading || data === undefined ? (
        <CircularLoader small aria-label={i18n.t('Loading the tracing figures')} />
      ) : data === null ? (
        <p className={classes.muted}>{i18n.t('Patient tracing is not set up in DHIS2.')}</p>
      ) : (
        <>
          <div className={classes.cards}>
            <Card label={i18n.t('Cases assigned')} value={formatNumber(data.assigned, language)} />
            <Card label={i18n.t('Cases traced')} value={formatNumber(data.traced, language)} />
            <Card label={i18n.t('Returned to care')} value={formatNumber(data.returned, language)} />
            <Card
              label={i18n.t('Returned among traced')}
              value={formatPercent(data.returnRate, language)}
              detail={`${formatNumber(data.returned, language)} / ${formatNumber(data.traced, language)}`}
            />
          </div>
          <p className={classes.muted}>
            {i18n.t('Cases whose tracing task was made during the period; traced means an outcome was recorded.')}
          </p>
        </>
      )}
    </section>
  )
}
