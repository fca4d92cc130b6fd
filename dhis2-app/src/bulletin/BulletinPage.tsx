import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox } from '@dhis2/ui'
import { useSearchParams } from 'react-router-dom'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { DATA_SET_CODE } from '../shared/programme'
import { uiLanguage } from '../shared/language'
import { Select } from '../shared/Select'
import { serverNow } from '../shared/serverTime'
import { useLoad } from '../shared/useLoad'
import { LoadError } from '../shared/LoadError'
import { useDashboardMetadata, type DashboardMetadata } from '../dashboard/analytics/useDashboardMetadata'
import { lockedPeriod } from '../dashboard/periods/dashboardPeriods'
import { PeriodSelector } from '../dashboard/views/PeriodSelector'
import classes from './Bulletin.module.css'
import { BulletinDocument } from './BulletinDocument'
import { bulletinPeriodChoices, isBulletinPeriodType, type BulletinPeriodType } from './bulletinPeriods'
import { DEPARTEMENT_LEVEL, loadBulletinUnits, type BulletinUnitChoice } from './bulletinUnits'

/**
 * Bulletin — the periodic bulletin per zone and département (issue 15 §4), a document to print (PDF through the
 * browser's print) or download as CSV. The choice lives in the address (?ou=&pt=&pe=), as on the dashboard.
 */
export function BulletinPage() {
  const { user } = useCurrentUser()
  const engine = useDataEngine()
  const meta = useDashboardMetadata()
  const units = useLoad(`bulletin-units|${user.id}`, () => loadBulletinUnits(engine, user))
  const error = meta.error ?? units.error
  if (error) {
    return (
      <LoadError
        title={i18n.t('Could not load the bulletin')}
        error={error}
        retry={meta.error ? meta.reload : units.reload}
      />
    )
  }
  if (meta.loading || meta.data === undefined || units.loading || units.data === undefined) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the bulletin')} />
      </div>
    )
  }
  if (meta.data === null) {
    return (
      <NoticeBox error title={i18n.t('The monthly report is not set up in DHIS2')}>
        {i18n.t('The data set {{code}} was not found. Ask your administrator.', { code: DATA_SET_CODE })}
      </NoticeBox>
    )
  }
  if (units.data.length === 0) {
    return (
      <NoticeBox warning title={i18n.t('No zone or département in your area')}>
        {i18n.t('A bulletin is made for a zone sanitaire or a département. Your account is assigned to none.')}
      </NoticeBox>
    )
  }
  return <Bulletin meta={meta.data} units={units.data} />
}

const unitLabel = (u: BulletinUnitChoice) =>
  u.level === DEPARTEMENT_LEVEL
    ? i18n.t('Département {{name}}', { name: u.name, interpolation: { escapeValue: false } })
    : i18n.t('Zone {{name}}', { name: u.name, interpolation: { escapeValue: false } })

function Bulletin({ meta, units }: { meta: DashboardMetadata; units: BulletinUnitChoice[] }) {
  const [params, setParams] = useSearchParams()
  const language = uiLanguage()
  const now = () => serverNow(meta.serverDate, meta.readAt)
  const today = now().slice(0, 10)
  const requested = params.get('pt')
  const type: BulletinPeriodType = isBulletinPeriodType(requested) ? requested : 'Monthly'
  const choices = bulletinPeriodChoices(type, today)
  const period = lockedPeriod(choices, params.get('pe'))
  // A unit typed into the address that is not one of the user's is not trusted: their first one instead.
  const unit = units.find((u) => u.id === params.get('ou')) ?? units[0]
  const select = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params)
    if (changes.pt) next.delete('pe')
    for (const [k, v] of Object.entries(changes)) next.set(k, v)
    setParams(next)
  }
  return (
    <div className={classes.page}>
      <div className={classes.controls}>
        <h2 className={classes.pageTitle}>{i18n.t('Periodic bulletin')}</h2>
        <div className={classes.choices}>
          <Select
            className={classes.selectField}
            name="relais-bulletin-unit"
            label={i18n.t('Zone or département')}
            options={units.map((u) => ({ value: u.id, label: unitLabel(u) }))}
            value={unit?.id ?? ''}
            onChange={(value) => {
              if (value && value !== unit?.id) select({ ou: value })
            }}
          />
          {period && <PeriodSelector type={type} choices={choices} selected={period.id} onChange={select} />}
        </div>
      </div>
      {unit && period && (
        <BulletinDocument
          key={`${unit.id}|${period.id}`}
          meta={meta}
          unit={{ id: unit.id, name: unit.name, level: unit.level }}
          unitLabel={unitLabel(unit)}
          type={type}
          period={period}
          now={now}
          language={language}
        />
      )}
    </div>
  )
}
