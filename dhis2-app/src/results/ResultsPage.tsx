// « Mes résultats » (issue 14 §3): an RC's own results in plain words, on a phone — the report due now and its
// deadline, the last six months, the year's targets. A supervisor opens the same page for one of their RC
// (`?ou=`), from the dashboard's ranking.
import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox, Tag } from '@dhis2/ui'
import { Link, useSearchParams } from 'react-router-dom'
import { SCREEN_PATHS } from '../shared/screenPaths'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { engineAccess } from '../shared/dhis2Access'
import { loadFollowUps } from '../shared/followUpMessages'
import { LoadError } from '../shared/LoadError'
import { formatDay, uiLanguage, type Language } from '../shared/language'
import { periodName } from '../shared/mappings'
import { useLoad } from '../shared/useLoad'
import classes from './Results.module.css'
import type { Achievement, DueReport, MonthResult, MyResults } from './myResults'
import { useMyResults } from './useMyResults'

const percent = (n: number | undefined, language: Language) =>
  n === undefined
    ? '—'
    : `${new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 0 }).format(n)} %`

export function ResultsPage() {
  const { user, roles } = useCurrentUser()
  const [params] = useSearchParams()
  // An RC sees their own; a supervisor the RC they chose (DHIS2 keeps each to their own area anyway).
  const own = roles.includes('relais') && !roles.includes('superviseur')
  const orgUnit = (own ? undefined : params.get('ou')) ?? (own ? user.organisationUnits[0]?.id : undefined)
  if (!orgUnit)
    return (
      <NoticeBox title={i18n.t('Choose a community health worker')}>
        {i18n.t('Open the results of one of your community health workers from the ranking of the dashboard.')}
      </NoticeBox>
    )
  return <Results orgUnit={orgUnit} own={own} />
}

function Results({ orgUnit, own }: { orgUnit: string; own: boolean }) {
  const { loading, error, data, reload } = useMyResults(orgUnit)
  const language = uiLanguage()
  if (error) return <LoadError title={i18n.t('Could not load the results')} error={error} retry={reload} />
  if (loading || !data)
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the results')} />
      </div>
    )
  const { results, unit } = data
  return (
    <div className={classes.page}>
      <h2 className={classes.title}>
        {own
          ? i18n.t('My results')
          : i18n.t('Results of {{name}}', { name: unit.name, interpolation: { escapeValue: false } })}
      </h2>
      <DueSection due={results.due} own={own} language={language} />
      <MonthsSection results={results} language={language} />
      <TargetsSection achievements={results.achievements} due={results.due} language={language} />
      <FollowUpsSection about={own ? undefined : unit.name} language={language} />
    </div>
  )
}

function DueSection({ due, own, language }: { due: DueReport; own: boolean; language: Language }) {
  const month = periodName(due.period, language)
  const day = (date: string) => formatDay(date, language)
  const text =
    due.state === 'on-time'
      ? i18n.t('Completed on {{date}}, on time.', { date: day(due.completedOn ?? '') })
      : due.state === 'late'
        ? i18n.t('Completed on {{date}}, after the deadline of {{deadline}}.', {
            date: day(due.completedOn ?? ''),
            deadline: day(due.onTimeUntil),
          })
        : due.state === 'open'
          ? i18n.t('To complete by {{deadline}} to be on time ({{number}} days left).', {
              deadline: day(due.onTimeUntil),
              number: due.daysLeft,
            })
          : i18n.t('Not completed and late. DHIS2 still takes it until {{closes}} ({{number}} days left).', {
              closes: day(due.closesOn),
              number: due.daysLeft,
            })
  const done = due.state === 'on-time' || due.state === 'late'
  return (
    <section className={classes.card} aria-labelledby="relais-due">
      <h3 id="relais-due" className={classes.cardTitle}>
        {i18n.t('Report of {{month}}', { month, interpolation: { escapeValue: false } })}
      </h3>
      <p className={done ? classes.good : due.state === 'missing' ? classes.bad : undefined}>{text}</p>
      {own && !done && (
        <Link className={classes.action} to={`${SCREEN_PATHS.saisie}?pe=${due.period.id}`}>
          {i18n.t('Enter the report')}
        </Link>
      )}
    </section>
  )
}

function stateTag(month: MonthResult) {
  switch (month.state) {
    case 'on-time':
      return <Tag positive>{i18n.t('On time')}</Tag>
    case 'late':
      return <Tag neutral>{i18n.t('Late')}</Tag>
    case 'missing':
      return <Tag negative>{i18n.t('Not completed')}</Tag>
    case 'open':
      return <Tag>{i18n.t('To complete')}</Tag>
  }
}

function MonthsSection({ results, language }: { results: MyResults; language: Language }) {
  return (
    <section className={classes.card} aria-labelledby="relais-months">
      <h3 id="relais-months" className={classes.cardTitle}>
        {i18n.t('The last six months')}
      </h3>
      <ul className={classes.months} aria-labelledby="relais-months">
        {[...results.months].reverse().map((month) => (
          <li key={month.period.id}>
            <span className={classes.month}>{periodName(month.period, language)}</span>
            {stateTag(month)}
            {month.completedOn && (
              <span className={classes.muted}>
                {i18n.t('on {{date}}', { date: formatDay(month.completedOn, language) })}
              </span>
            )}
          </li>
        ))}
      </ul>
      <p>
        {i18n.t('Completeness {{completeness}}, timeliness {{timeliness}}', {
          completeness: percent(results.completeness, language),
          timeliness: percent(results.timeliness, language),
        })}
      </p>
      <p className={classes.muted}>
        {i18n.t('Counted over the months whose deadline has passed; the month still open is not counted yet.')}
      </p>
    </section>
  )
}

function targetName(key: Achievement['key']) {
  switch (key) {
    case 'sens':
      return i18n.t('People sensitised')
    case 'vad':
      return i18n.t('Home visits')
    case 'tdr':
      return i18n.t('RDTs performed')
  }
}

function TargetsSection(props: { achievements: readonly Achievement[]; due: DueReport; language: Language }) {
  const { achievements, due, language } = props
  const number = (n: number) => new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB').format(Math.round(n))
  const month = periodName(due.period, language)
  return (
    <section className={classes.card} aria-labelledby="relais-targets">
      <h3 id="relais-targets" className={classes.cardTitle}>
        {i18n.t('My targets for the year')}
      </h3>
      <ul className={classes.targets}>
        {achievements.map((a) => (
          <li key={a.key}>
            <strong>{targetName(a.key)}</strong>{' '}
            {a.expected === undefined
              ? i18n.t('{{done}} since January; no target is entered for this year.', { done: number(a.done) })
              : i18n.t(
                  '{{done}} of {{expected}} expected by the end of {{month}} ({{percent}}), yearly target {{target}}.',
                  {
                    done: number(a.done),
                    expected: number(a.expected),
                    month,
                    percent: percent(a.percent, language),
                    target: number(a.target ?? 0),
                    interpolation: { escapeValue: false },
                  },
                )}
          </li>
        ))}
      </ul>
    </section>
  )
}

/** The follow-ups the supervisor sent as DHIS2 messages (followUpMessages.ts): the action and its due date. */
function FollowUpsSection({ about, language }: { about?: string; language: Language }) {
  const engine = useDataEngine()
  const { data, error } = useLoad(`follow-ups|${about ?? ''}`, () => loadFollowUps(engineAccess(engine), about))
  return (
    <section className={classes.card} aria-labelledby="relais-follow-ups">
      <h3 id="relais-follow-ups" className={classes.cardTitle}>
        {i18n.t("Supervisor's follow-ups")}
      </h3>
      {error ? (
        <p className={classes.muted}>{i18n.t('The follow-ups could not be read.')}</p>
      ) : !data ? (
        <p className={classes.muted}>{i18n.t('Loading…')}</p>
      ) : data.length === 0 ? (
        <p className={classes.muted}>{i18n.t('No follow-up yet.')}</p>
      ) : (
        <ul className={classes.targets}>
          {data.map((f) => (
            <li key={f.id}>
              <strong>{f.subject}</strong>
              <br />
              {f.text}
              <br />
              <span className={classes.muted}>
                {f.from}
                {f.lastUpdated ? `, ${formatDay(f.lastUpdated.slice(0, 10), language)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
