import i18n from '@dhis2/d2-i18n'
import { CircularLoader, NoticeBox } from '@dhis2/ui'
import { lazy, Suspense, useMemo } from 'react'
import { useSearchParams } from 'react-router-dom'
import { PendingQueuePanel } from '../offline/PendingQueuePanel'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import type { CurrentUser } from '../shared/currentUser'
import { serverNow } from '../shared/serverTime'
import { DATA_SET_CODE, useEntryMetadata } from './metadata/useEntryMetadata'
import type { EntryMetadata } from './metadata/types'
import { RC_LEVEL, type OrgUnitNode } from '../shared/orgunits/types'
import { useOrgUnit } from '../shared/orgunits/useOrgUnit'
import { periodChoices, type PeriodChoice } from './periods/periodChoices'
import { PeriodPicker } from './periods/PeriodPicker'
import { ReportView } from './ReportView'
import classes from './Saisie.module.css'
import { LoadError } from '../shared/LoadError'

// Only a supervisor chooses the RC: an RC on a slow network does not download the search and DHIS2's org unit
// tree with their form (bench:app).
const OrgUnitPicker = lazy(() => import('../shared/orgunits/OrgUnitPicker').then((m) => ({ default: m.OrgUnitPicker })))

/** Reports are entered for RCs only: choosing a zone in the tree opens it. */
const isRc = (unit: OrgUnitNode) => unit.level >= RC_LEVEL

/** The RC a user enters for without choosing: their own, when they are an RC (one level-5 org unit). */
export function ownRc(user: CurrentUser): string | undefined {
  const units = user.organisationUnits
  return units.length === 1 && units[0]?.level === RC_LEVEL ? units[0].id : undefined
}

/** Saisie: pick the RC and the month, then enter the report. The choice lives in the address (?ou=&pe=). */
export function SaisiePage() {
  const { user } = useCurrentUser()
  const { loading, error, metadata, refetch } = useEntryMetadata()
  // The RC's org unit is asked for with the form, not after it (SelectedReport then reads it from the engine's
  // cache): one round trip less before an RC can type, ~0.3 s on a slow network (bench:app).
  const [params] = useSearchParams()
  const early = params.get('ou') ?? ownRc(user)
  useOrgUnit(early ?? '', { lazy: !early })
  if (error) return <LoadError title={i18n.t('Could not load the report form')} error={error} retry={refetch} />
  if (loading || metadata === undefined) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the report form')} />
      </div>
    )
  }
  if (metadata === null) {
    return (
      <NoticeBox error title={i18n.t('The monthly report is not set up in DHIS2')}>
        {i18n.t('The data set {{code}} was not found. Ask your administrator.', { code: DATA_SET_CODE })}
      </NoticeBox>
    )
  }
  return <Saisie metadata={metadata} user={user} />
}

function Saisie({ metadata, user }: { metadata: EntryMetadata; user: CurrentUser }) {
  const [params, setParams] = useSearchParams()
  const own = ownRc(user)
  const ou = params.get('ou') ?? own
  const choices = useMemo(() => {
    const today = serverNow(metadata.serverDate, metadata.readAt).slice(0, 10)
    const authorities = user.authorities ?? []
    const canEditExpired = authorities.includes('ALL') || authorities.includes('F_EDIT_EXPIRED')
    return periodChoices(metadata.dataSet, today, 12, canEditExpired)
  }, [metadata, user.authorities])
  const choice: PeriodChoice | undefined =
    choices.find((c) => c.period.id === params.get('pe')) ?? choices.find((c) => c.open) ?? choices[0]
  const select = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params)
    for (const [k, v] of Object.entries(changes)) next.set(k, v)
    setParams(next)
  }

  return (
    <div className={classes.page}>
      <h2 className={classes.pageTitle}>{i18n.t('Monthly report')}</h2>
      <div className={classes.contextBar}>
        {!own && (
          <Suspense fallback={<CircularLoader small aria-label={i18n.t('Loading the screen')} />}>
            <OrgUnitPicker
              user={user}
              title={i18n.t('Community health worker')}
              browseLabel={i18n.t('Browse the hierarchy')}
              selected={ou ?? undefined}
              selectable={isRc}
              onSelect={(unit) => select({ ou: unit.id })}
            />
          </Suspense>
        )}
        {choice && <PeriodPicker choices={choices} selected={choice.period.id} onChange={(pe) => select({ pe })} />}
      </div>
      <PendingQueuePanel />
      {ou && choice ? (
        <SelectedReport
          key={`${ou}-${choice.period.id}`}
          orgUnitId={ou}
          metadata={metadata}
          user={user}
          choice={choice}
        />
      ) : (
        <p className={classes.muted}>{i18n.t('Choose a community health worker to open their report.')}</p>
      )}
    </div>
  )
}

function SelectedReport({
  orgUnitId,
  metadata,
  user,
  choice,
}: {
  orgUnitId: string
  metadata: EntryMetadata
  user: CurrentUser
  choice: PeriodChoice
}) {
  const { loading, error, unit, refetch } = useOrgUnit(orgUnitId)
  if (error) {
    return <LoadError title={i18n.t('Could not load the community health worker')} error={error} retry={refetch} />
  }
  if (loading || !unit) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the report')} />
      </div>
    )
  }
  if (unit.level !== RC_LEVEL) {
    return <p className={classes.muted}>{i18n.t('Choose a community health worker to open their report.')}</p>
  }
  return <ReportView metadata={metadata} user={user} orgUnit={unit} choice={choice} />
}
