// « Lancer »: a month and a mode — a trial (DHIS2's dry run: nothing written), a push, a check (both sides read
// only). A push writes into the national HMIS, so it is asked for after a confirmation naming the month; the
// others start at once. The bridge answers 202 with the push, which the report view then follows. Offered only
// when the bridge's list says it has a national HMIS (HmisView): any refusal here is said as the bridge words it.
import i18n from '@dhis2/d2-i18n'
import { Button } from '@dhis2/ui'
import { useState } from 'react'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { useBridgePost } from '../../shared/bridge/useBridge'
import { Select } from '../../shared/Select'
import { uiLanguage } from '../../shared/language'
import type { HmisMode, HmisPush, HmisPushStart } from '../api/types'
import { HMIS_MODES, hmisModeChoiceLabel, isHmisMode, monthLabel, pushableMonths } from '../logic/hmis'
import classes from '../Sync.module.css'
import { ConfirmModal, ProblemNotice } from './common'

// Month names and the like are shown as they are: React escapes them, i18next must not do it twice.
const RAW = { interpolation: { escapeValue: false } }

/** `serverDate`: DHIS2's date (system/info), which decides the month before. */
export function HmisLaunch({ onStarted, serverDate }: { onStarted: (push: HmisPush) => void; serverDate: string }) {
  const language = uiLanguage()
  const post = useBridgePost()
  const [months] = useState(() => pushableMonths(serverDate))
  const [period, setPeriod] = useState(months[0]!)
  const [mode, setMode] = useState<HmisMode>('dry-run')
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)

  const start = async () => {
    setBusy(true)
    setProblem(null)
    const body: HmisPushStart = { period, mode }
    const result = await post<HmisPush>('hmis/pushes', { ...body })
    setBusy(false)
    setConfirming(false)
    if (!result.ok) return setProblem(result.problem)
    onStarted(result.data)
  }

  return (
    <section className={classes.panel} aria-label={i18n.t('Start a push to the national HMIS')}>
      <div className={classes.form}>
        <Select
          className={classes.filter}
          name="relais-hmis-month"
          label={i18n.t('Month')}
          options={months.map((m) => ({ value: m, label: monthLabel(m, language) }))}
          value={period}
          onChange={(value: string) => setPeriod(value)}
        />
        <Select
          className={classes.filter}
          name="relais-hmis-mode"
          label={i18n.t('Mode')}
          options={HMIS_MODES.map((m) => ({ value: m, label: hmisModeChoiceLabel(m) }))}
          value={mode}
          onChange={(value: string) => isHmisMode(value) && setMode(value)}
        />
        <Button
          primary
          loading={busy && !confirming}
          disabled={busy}
          onClick={() => (mode === 'push' ? setConfirming(true) : void start())}
        >
          {i18n.t('Start')}
        </Button>
      </div>
      {problem && <ProblemNotice problem={problem} title={i18n.t('The push to the national HMIS could not start')} />}
      {confirming && (
        <ConfirmModal
          title={i18n.t('Push {{month}} to the national HMIS?', { month: monthLabel(period, language), ...RAW })}
          confirmLabel={i18n.t('Send')}
          busy={busy}
          onConfirm={() => void start()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {i18n.t(
              'The programme’s zone totals for {{month}} will be written in the national instance (the SNIS), replacing the values it holds for these zones and cells. Run a trial first to see what would change.',
              { month: monthLabel(period, language), ...RAW },
            )}
          </p>
        </ConfirmModal>
      )}
    </section>
  )
}
