import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Button, CircularLoader, NoticeBox } from '@dhis2/ui'
import type { Period } from '../shared/mappings'
import { formatDay, type Language } from '../shared/language'
import { csvFileName } from '../shared/csv/csv'
import { downloadCsv } from '../shared/csv/CsvButton'
import { useLoad } from '../shared/useLoad'
import { LoadError } from '../shared/LoadError'
import type { DashboardMetadata } from '../dashboard/analytics/useDashboardMetadata'
import { analyticsAsOf } from '../dashboard/analytics/useDashboardData'
import { analyticsTablesMissing } from '../dashboard/analytics/analyticsMissing'
import { timeOf } from '../dashboard/format'
import { Freshness } from '../dashboard/views/Freshness'
import classes from './Bulletin.module.css'
import { bulletinCsv, type BulletinHeading } from './bulletinCsv'
import {
  loadBulletinCore,
  loadBulletinEffect,
  loadBulletinGaps,
  loadBulletinHelpdesk,
  type BulletinCore,
  type BulletinUnit,
} from './bulletinLoad'
import type { Outcome } from './bulletinModel'
import { bulletinPeriodName, periodTypeName, type BulletinPeriodType } from './bulletinPeriods'
import {
  completenessTable,
  effectTable,
  gapsTable,
  helpdeskTable,
  indicatorsTable,
  type BulletinTable,
} from './bulletinTables'
import { BulletinTableView } from './BulletinTableView'

interface Props {
  meta: DashboardMetadata
  unit: BulletinUnit
  unitLabel: string
  type: BulletinPeriodType
  period: Period
  now: () => string
  language: Language
}

/** The bulletin for one unit and period: DHIS2's figures first (needed by every section), then the rest. */
export function BulletinDocument(props: Props) {
  const engine = useDataEngine()
  const core = useLoad(`bulletin|${props.unit.id}|${props.period.id}`, () =>
    loadBulletinCore(engine, props.meta, props.unit, props.period),
  )
  if (core.error && analyticsTablesMissing(core.error)) {
    return (
      <NoticeBox warning title={i18n.t('DHIS2 has not generated its analytics yet')}>
        {i18n.t(
          'The bulletin reads the analytics tables DHIS2 generates every night. They appear after the first run; an administrator can also start it from DHIS2’s Data Administration app (Analytics Tables).',
        )}
      </NoticeBox>
    )
  }
  if (core.error)
    return <LoadError title={i18n.t('Could not load the bulletin')} error={core.error} retry={core.reload} />
  if (!core.data) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the bulletin')} />
      </div>
    )
  }
  return <Document {...props} core={core.data} />
}

function Document({ meta, unit, unitLabel, type, period, now, language, core }: Props & { core: BulletinCore }) {
  const engine = useDataEngine()
  const generatedAt = now()
  const today = generatedAt.slice(0, 10)
  const gaps = useLoad('gaps', () => loadBulletinGaps(engine, core, unit, meta.dataSet.id, today))
  const effect = useLoad('effect', () => loadBulletinEffect(engine, unit, core))
  const helpdesk = useLoad('helpdesk', () => loadBulletinHelpdesk(engine, unit, period))
  const zoneName = (id: string) => core.subUnits.find((u) => u.id === id)?.name ?? (id === unit.id ? unit.name : id)
  const gapsOutcome: Outcome<NonNullable<typeof gaps.data>> | undefined = gaps.error
    ? { ok: false, reason: gaps.error.message }
    : gaps.data && { ok: true, value: gaps.data }

  const tables: Array<BulletinTable | undefined> = [
    completenessTable(core.completeness, language),
    indicatorsTable(core.indicators, language),
    gapsOutcome && gapsTable(gapsOutcome, language),
    effect.data && effectTable(effect.data, zoneName, language),
    helpdesk.data && helpdeskTable(helpdesk.data, language),
  ]
  const placeholders = [
    { id: 'completeness', title: '' },
    { id: 'indicators', title: '' },
    { id: 'gaps', title: i18n.t('Gaps and their follow-up') },
    { id: 'reminders', title: i18n.t('Effect of reminders') },
    { id: 'helpdesk', title: i18n.t('Help desk') },
  ]
  const ready = tables.every((t) => t !== undefined)

  // « Bulletin mensuel » / "Monthly bulletin": the English adjective comes first, lower case in the table.
  const kind = i18n.t('{{kind}} bulletin', { kind: periodTypeName(type, language) })
  const title = kind.charAt(0).toUpperCase() + kind.slice(1)
  const asOf = analyticsAsOf(core.info)
  const generated = `${formatDay(today, language)} ${timeOf(generatedAt)}`
  const heading: BulletinHeading = {
    title: `${title} — ${unitLabel}`,
    lines: [
      [i18n.t('Organisation unit'), unitLabel],
      [i18n.t('Period'), bulletinPeriodName(period, language)],
      [i18n.t('Generated on'), generated],
      [
        i18n.t('Analytics updated on'),
        asOf ? `${formatDay(asOf.slice(0, 10), language)} ${timeOf(asOf)}` : i18n.t('never'),
      ],
      [
        i18n.t('Sources'),
        i18n.t(
          'DHIS2 analytics and completion registrations, Relais gap follow-up, Relais bridge (reminders), DHIS2 help desk',
        ),
      ],
    ],
  }
  const download = () =>
    downloadCsv(
      csvFileName('bulletin', unit.name, period.id),
      bulletinCsv(
        heading,
        tables.filter((t): t is BulletinTable => t !== undefined),
      ),
    )

  return (
    <>
      <div className={classes.actions}>
        <Button primary onClick={() => window.print()}>
          {i18n.t('Print / PDF')}
        </Button>
        <Button secondary onClick={download} disabled={!ready}>
          {i18n.t('Download CSV')}
        </Button>
        {!ready && (
          <span className={classes.muted} role="status">
            {i18n.t('Some sections are still loading…')}
          </span>
        )}
      </div>
      <article className={classes.document} aria-labelledby="relais-bulletin-title" data-test="relais-bulletin">
        <h2 id="relais-bulletin-title" className={classes.documentTitle}>
          {heading.title}
        </h2>
        <dl className={classes.facts}>
          {[...heading.lines.slice(0, 3), ...heading.lines.slice(4)].map(([label, value]) => (
            <div key={label} className={classes.fact}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        {/* In a box of its own: its class grows to 300 px as a flex item of the dashboard's bar. */}
        <div>
          <Freshness info={core.info} />
        </div>
        {tables.map((table, i) => (
          <BulletinTableView key={placeholders[i]?.id ?? i} table={table} loading={placeholders[i]} />
        ))}
      </article>
    </>
  )
}
