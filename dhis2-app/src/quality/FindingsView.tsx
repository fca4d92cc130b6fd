import i18n from '@dhis2/d2-i18n'
import { useConfig } from '@dhis2/app-runtime'
import { Button, CircularLoader, NoticeBox } from '@dhis2/ui'
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { ConfirmModal } from '../shared/ConfirmModal'
import { uiLanguage, type Language } from '../shared/language'
import { useLoad } from '../shared/useLoad'
import { findingReason, findingSubject, kindExplanation, kindTitle, monthName, reviewText } from './describeFinding'
import { FINDING_KINDS, sortFindings, type Finding } from './findings'
import { formLink } from './formLink'
import classes from './Quality.module.css'
import { QualityError } from './QualityError'
import { saisieMonths } from './qualityMonths'
import { loadQualityData, type QualityMetadata, type RcInfo } from './qualityData'
import type { Zone } from './QualityPage'
import { useQualityAccess } from './useQualityAccess'
import { QualityScoreTable } from './QualityScoreTable'
import { canReview, withReviewedFollowups, type Review, type ReviewStatus } from './reviews'
import { loadReviews, saveReview } from './reviewStore'
import { countByKind, zoneMonthScores } from './score'

interface Props {
  meta: QualityMetadata
  zone: Zone
  months: string[]
  now: () => string
}

export function FindingsView({ meta, zone, months, now }: Props) {
  const api = useQualityAccess()
  const { user, roles } = useCurrentUser()
  const { baseUrl } = useConfig()
  const language = uiLanguage()
  const [pending, setPending] = useState<{ finding: Finding; status: ReviewStatus } | null>(null)
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<unknown>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const load = useLoad(`${zone.id}|${months.join(',')}`, async () => {
    const [data, reviews] = await Promise.all([loadQualityData(api, meta, zone.id, months), loadReviews(api, months)])
    return { ...data, reviews }
  })
  if (load.error)
    return <QualityError title={i18n.t('Could not load the findings')} error={load.error} retry={load.reload} />
  if (!load.data) {
    return (
      <div className={classes.centered}>
        <CircularLoader aria-label={i18n.t('Loading the findings')} />
      </div>
    )
  }
  const { rcs, reviews, reporting, truncated } = load.data
  const rcName = (id: string) => rcs.get(id)?.name ?? id
  // A reviewed follow-up of another zone (kept in the same month's entry) is not this zone's.
  const findings = sortFindings(
    withReviewedFollowups(load.data.findings, reviews).filter((f) => rcs.has(f.orgUnit)),
    rcName,
  )
  const isReviewed = (f: Finding) => reviews.has(f.id)
  const counts = countByKind(findings, isReviewed)
  const scores = zoneMonthScores(findings, reporting, (rc) => (rcs.has(rc) ? zone.id : undefined), isReviewed)
  const reviewer = canReview(roles)
  const appMonths = saisieMonths(now().slice(0, 10))

  const confirm = async () => {
    if (!pending) return
    setSaving(true)
    setSaveError(null)
    try {
      const review: Review = {
        status: pending.status,
        by: { id: user.id, username: user.username, name: user.name },
        at: now(),
      }
      await saveReview(api, pending.finding, review)
      setSaved(
        pending.status === 'checked'
          ? i18n.t('The finding is marked as checked.')
          : i18n.t('The finding is marked as corrected.'),
      )
      setPending(null)
      load.reload()
    } catch (error) {
      setSaveError(error)
    } finally {
      setSaving(false)
    }
  }

  return (
    <>
      <p className={classes.lead}>
        {i18n.t('{{zone}}, from {{from}} to {{to}}', {
          interpolation: { escapeValue: false },
          zone: zone.name,
          from: monthName(months[0] ?? '', language),
          to: monthName(months[months.length - 1] ?? '', language),
        })}
      </p>
      <ul className={classes.summary} aria-label={i18n.t('Open findings by kind')}>
        {FINDING_KINDS.map((kind) => (
          <li key={kind}>
            {kindTitle(kind)} <strong>{counts[kind]}</strong>
          </li>
        ))}
      </ul>
      {truncated && (
        <NoticeBox warning title={i18n.t('Not every finding is listed')}>
          {i18n.t('DHIS2 returns at most 500 findings of a kind at once. Choose fewer months to see them all.')}
        </NoticeBox>
      )}
      {saved && (
        <p role="status" className={classes.reviewNote}>
          {saved}
        </p>
      )}
      {FINDING_KINDS.map((kind) => {
        const list = findings.filter((f) => f.kind === kind)
        const titleId = `relais-quality-${kind}`
        return (
          <section key={kind} className={classes.section} aria-labelledby={titleId}>
            <h3 id={titleId} className={classes.sectionTitle}>
              {kindTitle(kind)} ({list.length})
            </h3>
            <p className={classes.muted}>{kindExplanation(kind)}</p>
            {list.length === 0 ? (
              <p className={classes.muted}>{i18n.t('Nothing found for these months.')}</p>
            ) : (
              <ul className={classes.findings}>
                {list.map((f) => (
                  <FindingItem
                    key={f.id}
                    finding={f}
                    rc={rcs.get(f.orgUnit)}
                    review={reviews.get(f.id)}
                    language={language}
                    link={formLink(roles, baseUrl, meta.dataSet, f.orgUnit, f.period, appMonths)}
                    onReview={reviewer ? (status) => setPending({ finding: f, status }) : undefined}
                  />
                ))}
              </ul>
            )}
          </section>
        )
      })}
      <QualityScoreTable
        caption={i18n.t('Monthly quality score of {{zone}}', {
          interpolation: { escapeValue: false },
          zone: zone.name,
        })}
        firstColumn={i18n.t('Month')}
        rows={[...scores]
          .sort((a, b) => b.period.localeCompare(a.period))
          .map((s) => ({ key: s.period, label: monthName(s.period, language), score: s }))}
      />
      {pending && (
        <ConfirmModal
          title={
            pending.status === 'checked'
              ? i18n.t('Mark the finding as checked')
              : i18n.t('Mark the finding as corrected')
          }
          confirmLabel={pending.status === 'checked' ? i18n.t('Mark as checked') : i18n.t('Mark as corrected')}
          busy={saving}
          onConfirm={() => void confirm()}
          onCancel={() => {
            setPending(null)
            setSaveError(null)
          }}
        >
          <p>
            {rcLabel(pending.finding.orgUnit, rcs.get(pending.finding.orgUnit))},{' '}
            {monthName(pending.finding.period, language)} — {findingSubject(pending.finding)} —{' '}
            {findingReason(pending.finding, language)}
          </p>
          <p>
            {pending.status === 'checked'
              ? i18n.t('You checked the value with the RC or their supervisor and it is right.')
              : i18n.t('The value has been corrected in the report.')}{' '}
            {i18n.t('The finding will no longer count against the zone’s quality score.')}
          </p>
          {pending.finding.kind === 'followup' && (
            <p>{i18n.t('The value will also be unmarked for follow-up in DHIS2.')}</p>
          )}
          {saveError !== null && (
            <NoticeBox error title={i18n.t('The review could not be saved')}>
              {(saveError as { message?: string }).message ?? String(saveError)}
            </NoticeBox>
          )}
        </ConfirmModal>
      )}
    </>
  )
}

const rcLabel = (id: string, rc: RcInfo | undefined) => (rc ? (rc.code ? `${rc.name} (${rc.code})` : rc.name) : id)

interface ItemProps {
  finding: Finding
  rc: RcInfo | undefined
  review: Review | undefined
  language: Language
  link: ReturnType<typeof formLink>
  onReview?: (status: ReviewStatus) => void
}

function FindingItem({ finding, rc, review, language, link, onReview }: ItemProps) {
  const month = monthName(finding.period, language)
  const linkText = i18n.t('Open the form of {{month}}', { interpolation: { escapeValue: false }, month })
  return (
    <li className={review ? `${classes.finding} ${classes.reviewed}` : classes.finding} data-finding={finding.id}>
      <p className={classes.findingTitle}>
        {rcLabel(finding.orgUnit, rc)} — {month}
      </p>
      <p className={classes.findingLine}>{findingSubject(finding)}</p>
      <p className={classes.why}>{findingReason(finding, language)}</p>
      {review && <p className={classes.reviewNote}>{reviewText(review)}</p>}
      <div className={classes.actions}>
        {link.kind === 'app' ? <Link to={link.path}>{linkText}</Link> : <a href={link.href}>{linkText}</a>}
        {onReview && !review && (
          <>
            <Button small secondary onClick={() => onReview('checked')}>
              {i18n.t('Mark as checked')}
            </Button>
            <Button small secondary onClick={() => onReview('corrected')}>
              {i18n.t('Mark as corrected')}
            </Button>
          </>
        )}
      </div>
    </li>
  )
}
