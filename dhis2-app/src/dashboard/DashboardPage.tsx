import i18n from '@dhis2/d2-i18n'
import { Button, CircularLoader, NoticeBox } from '@dhis2/ui'
import type { Period } from '@relais/mappings/src/dhis2/periods'
import { useMemo, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import type { RelaisRole } from '../roles/roles'
import { DATA_SET_CODE } from '../shared/programme'
import { useOrgUnit } from '../shared/orgunits/useOrgUnit'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import type { CurrentUser } from '../shared/currentUser'
import { uiLanguage, type Language } from '../shared/language'
import { periodName } from '../shared/mappings'
import { serverNow } from '../shared/serverTime'
import { useDashboardData } from './analytics/useDashboardData'
import { useDashboardMetadata, type DashboardMetadata } from './analytics/useDashboardMetadata'
import classes from './Dashboard.module.css'
import { canEditGaps } from './gaps/gaps'
import { GapsPanel } from './gaps/GapsPanel'
import { OrgUnitPicker } from '../shared/orgunits/OrgUnitPicker'
import {
  DEFAULT_PERIOD_TYPE,
  dashboardPeriodChoices,
  isDashboardPeriodType,
  lockedPeriod,
  monthsOf,
  trendMonths,
  type DashboardPeriodType,
} from './periods/dashboardPeriods'
import { rankRcs, type Thresholds } from './performance/performance'
import { ThresholdSettings } from './settings/ThresholdSettings'
import { Freshness } from './views/Freshness'
import { PeriodSelector } from './views/PeriodSelector'
import { Summary } from './views/Summary'
import { ChildrenTable, RankingTable } from './views/Tables'
import { TrendCharts } from './views/TrendCharts'
import { WeeklyView } from './weekly/WeeklyView'
import { analyticsTablesMissing } from './analytics/analyticsMissing'
import { ReminderEffectTable } from './reminders/ReminderEffectTable'
import { ZoneQualityScores } from '../quality/ZoneQualityScores'
import { TracingPanel } from './tracing/TracingPanel'

/** Tableau de bord — RC performance (supervisors, data managers). The choice lives in the address (?pt=&pe=&ou=). */
export function DashboardPage() {
  const { user, roles } = useCurrentUser()
  const { loading, error, data: meta } = useDashboardMetadata()
  if (error) {
    return (
      <NoticeBox error title={i18n.t('Could not load the dashboard')}>
        {error.message}
      </NoticeBox>
    )
  }
  if (loading || meta === undefined) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the dashboard')} />
      </div>
    )
  }
  if (meta === null) {
    return (
      <NoticeBox error title={i18n.t('The monthly report is not set up in DHIS2')}>
        {i18n.t('The data set {{code}} was not found. Ask your administrator.', { code: DATA_SET_CODE })}
      </NoticeBox>
    )
  }
  return <Dashboard meta={meta} user={user} roles={roles} />
}

function Dashboard({ meta: loaded, user, roles }: { meta: DashboardMetadata; user: CurrentUser; roles: RelaisRole[] }) {
  const [params, setParams] = useSearchParams()
  // Thresholds an administrator saves here apply at once, without reloading the screen.
  const [thresholds, setThresholds] = useState(loaded.thresholds)
  const meta = useMemo(() => ({ ...loaded, thresholds }), [loaded, thresholds])
  const now = () => serverNow(meta.serverDate, meta.readAt)
  const today = now().slice(0, 10)
  const requestedType = params.get('pt')
  const type: DashboardPeriodType = isDashboardPeriodType(requestedType) ? requestedType : DEFAULT_PERIOD_TYPE
  const choices = dashboardPeriodChoices(type, today)
  const period = lockedPeriod(choices, params.get('pe'))
  const ouId = params.get('ou') ?? user.organisationUnits[0]?.id
  const select = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params)
    // another period type: its own latest period, not a period id of the previous type
    if (changes.pt) next.delete('pe')
    for (const [k, v] of Object.entries(changes)) next.set(k, v)
    setParams(next)
  }
  const language = uiLanguage()

  return (
    <div className={classes.page}>
      <h2 className={classes.pageTitle}>{i18n.t('RC performance dashboard')}</h2>
      <div className={classes.contextBar}>
        {period && <PeriodSelector type={type} choices={choices} selected={period.id} onChange={select} />}
        {ouId && (
          // Any level can be chosen: the dashboard of a zone, an aire or one RC.
          <OrgUnitPicker
            user={user}
            title={i18n.t('Organisation unit')}
            browseLabel={i18n.t('Choose in the hierarchy')}
            selected={ouId}
            onSelect={(unit) => select({ ou: unit.id })}
          />
        )}
      </div>
      {ouId && period ? (
        <SelectedUnit
          key={`${ouId}|${period.id}`}
          ouId={ouId}
          meta={meta}
          user={user}
          type={type}
          period={period}
          today={today}
          now={now}
          canEdit={canEditGaps(roles)}
          onThresholds={roles.includes('administrateur') ? setThresholds : undefined}
          language={language}
        />
      ) : (
        <p className={classes.muted}>{i18n.t('No organisation unit is assigned to your account.')}</p>
      )}
    </div>
  )
}

interface ViewProps {
  meta: DashboardMetadata
  user: CurrentUser
  type: DashboardPeriodType
  period: Period
  today: string
  now: () => string
  canEdit: boolean
  /** An administrator's: the thresholds they saved. */
  onThresholds?: (thresholds: Thresholds) => void
  language: Language
}

function SelectedUnit({ ouId, ...props }: ViewProps & { ouId: string }) {
  const { loading, error, unit } = useOrgUnit(ouId)
  if (error) {
    return (
      <NoticeBox error title={i18n.t('Could not load the organisation unit')}>
        {error.message}
      </NoticeBox>
    )
  }
  if (loading || !unit) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the dashboard')} />
      </div>
    )
  }
  // DHIS2 refuses analytics outside the user's units anyway (E7120); say so plainly instead.
  const roots = props.user.organisationUnits.map((u) => u.id)
  if (!unit.path.split('/').some((id) => roots.includes(id))) {
    return (
      <NoticeBox warning title={i18n.t('Outside your area')}>
        {i18n.t('Choose an organisation unit of your area.')}
      </NoticeBox>
    )
  }
  const orgUnit = { id: unit.id, name: unit.displayName, level: unit.level }
  return (
    <>
      <p className={classes.lead}>
        <strong>{unit.displayName}</strong> — {periodName(props.period, props.language)}
      </p>
      {props.type === 'Weekly' ? (
        <WeeklyView meta={props.meta} orgUnit={orgUnit} week={props.period} language={props.language} />
      ) : (
        <MainView {...props} orgUnit={orgUnit} unitPath={unit.path} />
      )}
    </>
  )
}

function MainView({
  meta,
  period,
  today,
  now,
  canEdit,
  onThresholds,
  language,
  orgUnit,
  unitPath,
}: ViewProps & { orgUnit: { id: string; name: string; level: number }; unitPath: string }) {
  const selection = { orgUnit, period, months: monthsOf(period), trendMonths: trendMonths(period, today) }
  const { loading, error, data, reload } = useDashboardData(meta, selection)
  // Classed with the thresholds of now (an administrator may just have changed them).
  const rcs = useMemo(() => (data ? rankRcs(data.model.rcs, meta.thresholds) : []), [data, meta.thresholds])
  if (error && analyticsTablesMissing(error)) {
    return (
      <NoticeBox warning title={i18n.t('DHIS2 has not generated its analytics yet')}>
        {i18n.t(
          'The dashboard reads the analytics tables DHIS2 generates every night. They appear after the first run; an administrator can also start it from DHIS2’s Data Administration app (Analytics Tables).',
        )}
      </NoticeBox>
    )
  }
  if (error) {
    return (
      <NoticeBox error title={i18n.t('Could not load the dashboard')}>
        {error.message}
      </NoticeBox>
    )
  }
  if (!data) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the dashboard')} />
      </div>
    )
  }
  const model = { ...data.model, rcs }
  return (
    <>
      <div className={classes.freshnessBar}>
        <Freshness info={data.info} freshCount={model.freshCount} />
        <Button small secondary onClick={reload} disabled={loading}>
          {i18n.t('Refresh')}
        </Button>
      </div>
      <Summary model={model} period={period} today={today} language={language} />
      <TrendCharts trend={model.trend} unitName={orgUnit.name} language={language} />
      {model.children.length > 0 && (
        <ChildrenTable units={model.children} unitName={orgUnit.name} period={period} language={language} />
      )}
      <RankingTable
        rcs={model.rcs}
        unitName={orgUnit.name}
        period={period}
        thresholds={meta.thresholds}
        language={language}
      />
      {onThresholds && <ThresholdSettings rcs={model.rcs} thresholds={meta.thresholds} onSaved={onThresholds} />}
      <GapsPanel
        rcs={model.rcs}
        period={period}
        unitName={orgUnit.name}
        canEdit={canEdit}
        now={now}
        language={language}
      />
      <ReminderEffectTable unitName={orgUnit.name} language={language} />
      <TracingPanel orgUnit={orgUnit} period={period} language={language} />
      {period.periodType === 'Monthly' && (
        <ZoneQualityScores orgUnit={{ ...orgUnit, path: unitPath }} month={period.id} />
      )}
    </>
  )
}
