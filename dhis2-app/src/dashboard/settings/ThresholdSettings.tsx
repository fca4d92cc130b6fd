// The class thresholds, set where their effect shows (issue 14 §4): an administrator types the limits of Bon
// and Moyen and sees at once how the RC of the current selection would be classed, before saving for everyone.
// Until then they could only be changed in the dataStore by hand.
import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Button, InputField, NoticeBox } from '@dhis2/ui'
import { useMemo, useState } from 'react'
import { engineAccess } from '../../shared/dhis2Access'
import { saveThresholds } from '../analytics/dashboardSettings'
import classes from '../Dashboard.module.css'
import { classCounts, rankRcs, validThresholds, type RankedRc, type Thresholds } from '../performance/performance'

/** The limits typed, when they make sense: 0 ≤ Moyen < Bon ≤ 100. */
function typedThresholds(good: string, fair: string): Thresholds | undefined {
  const proposed = { good: Number(good), fair: Number(fair) }
  if (good.trim() === '' || fair.trim() === '') return undefined
  const valid = validThresholds(proposed)
  return valid.good === proposed.good && valid.fair === proposed.fair ? valid : undefined
}

export function ThresholdSettings({
  rcs,
  thresholds,
  onSaved,
}: {
  rcs: readonly RankedRc[]
  thresholds: Thresholds
  onSaved: (thresholds: Thresholds) => void
}) {
  const engine = useDataEngine()
  const [open, setOpen] = useState(false)
  const [good, setGood] = useState(String(thresholds.good))
  const [fair, setFair] = useState(String(thresholds.fair))
  const [busy, setBusy] = useState(false)
  const [failed, setFailed] = useState<string | null>(null)
  const proposed = typedThresholds(good, fair)
  const preview = useMemo(() => (proposed ? classCounts(rankRcs(rcs, proposed)) : undefined), [rcs, proposed])

  if (!open)
    return (
      <div className={classes.actions}>
        <Button small secondary onClick={() => setOpen(true)}>
          {i18n.t('Set the class thresholds')}
        </Button>
      </div>
    )
  const save = async () => {
    if (!proposed) return
    setBusy(true)
    setFailed(null)
    try {
      await saveThresholds(engineAccess(engine), proposed)
      onSaved(proposed)
      setOpen(false)
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className={classes.panel} aria-labelledby="relais-thresholds">
      <h3 id="relais-thresholds" className={classes.panelTitle}>
        {i18n.t('Class thresholds')}
      </h3>
      <div className={classes.gapForm}>
        <InputField
          label={i18n.t('Good from (%)')}
          name="relais-threshold-good"
          type="number"
          min="0"
          max="100"
          value={good}
          onChange={({ value }) => setGood(value ?? '')}
          error={!proposed}
        />
        <InputField
          label={i18n.t('Average from (%)')}
          name="relais-threshold-fair"
          type="number"
          min="0"
          max="100"
          value={fair}
          onChange={({ value }) => setFair(value ?? '')}
          error={!proposed}
          validationText={proposed ? undefined : i18n.t('Average must be below Good, both between 0 and 100.')}
        />
      </div>
      {preview && (
        <p role="status">
          {i18n.t('With these thresholds, this selection has {{good}} good, {{average}} average and {{poor}} poor.', {
            good: preview.bon,
            average: preview.moyen,
            poor: preview.faible,
          })}
        </p>
      )}
      <p className={classes.muted}>{i18n.t("Saved, they apply to everyone's dashboards.")}</p>
      {failed && (
        <NoticeBox error title={i18n.t('Not saved')}>
          {failed}
        </NoticeBox>
      )}
      <div className={classes.actions}>
        <Button primary onClick={() => void save()} disabled={!proposed || busy} loading={busy}>
          {i18n.t('Save the thresholds')}
        </Button>
        <Button secondary onClick={() => setOpen(false)} disabled={busy}>
          {i18n.t('Cancel')}
        </Button>
      </div>
    </section>
  )
}
