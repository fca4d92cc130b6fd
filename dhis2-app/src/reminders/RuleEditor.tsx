// One reminder rule, as a data manager sets it (issue 15 §1): who, which days, by which channels, the French
// message with a live preview and its SMS count, escalation, quiet hours and the held-out share.
import i18n from '@dhis2/d2-i18n'
import { Button, ButtonStrip, Checkbox, InputField, NoticeBox, TextAreaField } from '@dhis2/ui'
import { useState } from 'react'
import type { ReminderAudience, ReminderChannel } from '../shared/bridge/reminders'
import { Select } from '../shared/Select'
import classes from './Reminders.module.css'
import layout from '../shared/PageLayout.module.css'
import { PLACEHOLDERS, previewOf, ruleOf, smsParts, type DraftProblem, type RuleDraft } from './ruleDraft'

export const audienceLabel = (audience: ReminderAudience): string =>
  ({
    missing: i18n.t('Community health workers without a complete report'),
    refused: i18n.t('Community health workers with values refused'),
    supervisors: i18n.t('Supervisors of community health workers still missing'),
  })[audience]

export const channelLabel = (channel: ReminderChannel | 'none'): string =>
  ({ message: i18n.t('DHIS2 message'), sms: i18n.t('SMS'), none: '—' })[channel]

function problemText(problem: DraftProblem): string {
  switch (problem.field) {
    case 'name':
      return i18n.t('Give the rule a name.')
    case 'days':
      return i18n.t('Days from 1 to 28 after the month ends, separated by commas, e.g. 1, 3, 5.')
    case 'channels':
      return i18n.t('Choose at least one channel.')
    case 'template':
      return problem.code === 'required'
        ? i18n.t('Write the message.')
        : i18n.t('Unknown placeholder {{names}}. Use the ones listed below.', {
            names: problem.names.map((n) => `{${n}}`).join(', '),
            interpolation: { escapeValue: false },
          })
    case 'escalateAfter':
      return i18n.t('A number of reminders from 1 to 10, or blank for never.')
    case 'quietFrom':
    case 'quietTo':
      return i18n.t('An hour, in hours and minutes.')
    case 'holdoutPercent':
      return i18n.t('A share from 0 to 50 %.')
  }
}

export function RuleEditor({
  initial,
  sample,
  busy,
  onSave,
  onCancel,
}: {
  initial: RuleDraft
  /** The month and deadline the preview uses (the next reminders'). */
  sample: { month: string; deadline: string }
  busy: boolean
  onSave: (draft: RuleDraft) => void
  onCancel: () => void
}) {
  const [draft, setDraft] = useState(initial)
  const [tried, setTried] = useState(false)
  const set = (changes: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...changes }))
  const checked = ruleOf(draft)
  const problems = tried && 'problems' in checked ? checked.problems : []
  const errorOf = (field: DraftProblem['field']) => {
    const found = problems.find((p) => p.field === field)
    return found ? { error: true, validationText: problemText(found) } : {}
  }
  const preview = previewOf(draft.template, sample)
  const sms = smsParts(preview)
  const toggleChannel = (channel: ReminderChannel, on: boolean) =>
    set({ channels: on ? [...new Set([...draft.channels, channel])] : draft.channels.filter((c) => c !== channel) })

  return (
    <form
      className={classes.editor}
      aria-label={i18n.t('Reminder rule')}
      onSubmit={(event) => {
        event.preventDefault()
        setTried(true)
        if ('rule' in ruleOf(draft)) onSave(draft)
      }}
    >
      <InputField
        name="rule-name"
        label={i18n.t('Name of the rule')}
        value={draft.name}
        onChange={({ value }) => set({ name: value ?? '' })}
        {...errorOf('name')}
      />
      <Select
        name="rule-audience"
        label={i18n.t('Who is reminded')}
        options={(['missing', 'refused', 'supervisors'] as const).map((a) => ({ value: a, label: audienceLabel(a) }))}
        value={draft.audience}
        onChange={(value) => set({ audience: (value as ReminderAudience) ?? draft.audience })}
      />
      <InputField
        name="rule-days"
        label={i18n.t('Days after the month ends')}
        helpText={i18n.t('1 is the first day of the next month.')}
        value={draft.days}
        onChange={({ value }) => set({ days: value ?? '' })}
        {...errorOf('days')}
      />
      <fieldset className={classes.fieldset}>
        <legend>{i18n.t('Channels')}</legend>
        {(['message', 'sms'] as const).map((channel) => (
          <Checkbox
            key={channel}
            className={classes.check}
            name={`rule-channel-${channel}`}
            label={channelLabel(channel)}
            checked={draft.channels.includes(channel)}
            onChange={({ checked: on }) => toggleChannel(channel, on)}
          />
        ))}
        {problems.some((p) => p.field === 'channels') && (
          <p className={classes.error}>{problemText({ field: 'channels', code: 'required' })}</p>
        )}
      </fieldset>
      <TextAreaField
        name="rule-template"
        label={i18n.t('Message, in French')}
        helpText={i18n.t('Placeholders you can use, {{list}}', {
          list: PLACEHOLDERS.map((p) => `{${p}}`).join(' '),
          interpolation: { escapeValue: false },
        })}
        rows={4}
        value={draft.template}
        onChange={({ value }) => set({ template: value ?? '' })}
        {...errorOf('template')}
      />
      <div className={classes.preview} aria-live="polite">
        <p className={classes.previewLabel}>{i18n.t('As it will be read')}</p>
        <p>{preview}</p>
        <p className={layout.muted}>
          {i18n.t('{{length}} characters, {{parts}} SMS per person', {
            length: [...preview].length,
            parts: sms.parts,
          })}
          {sms.unicode &&
            ` ${i18n.t('A character outside the SMS alphabet (such as ’ ê ç) allows only 70 characters per SMS.')}`}
        </p>
      </div>
      <div className={classes.row}>
        <InputField
          name="rule-escalate"
          label={i18n.t('Tell the supervisor after this many reminders')}
          helpText={i18n.t('Blank for never.')}
          value={draft.escalateAfter}
          onChange={({ value }) => set({ escalateAfter: value ?? '' })}
          {...errorOf('escalateAfter')}
        />
        <InputField
          name="rule-holdout"
          label={i18n.t('Share not reminded each day (%)')}
          helpText={i18n.t('The comparison that tells whether reminders work.')}
          value={draft.holdoutPercent}
          onChange={({ value }) => set({ holdoutPercent: value ?? '' })}
          {...errorOf('holdoutPercent')}
        />
      </div>
      <div className={classes.row}>
        <InputField
          name="rule-quiet-from"
          type="time"
          label={i18n.t('No sending from')}
          value={draft.quietFrom}
          onChange={({ value }) => set({ quietFrom: value ?? '' })}
          {...errorOf('quietFrom')}
        />
        <InputField
          name="rule-quiet-to"
          type="time"
          label={i18n.t('until')}
          value={draft.quietTo}
          onChange={({ value }) => set({ quietTo: value ?? '' })}
          {...errorOf('quietTo')}
        />
      </div>
      <Checkbox
        className={classes.check}
        name="rule-enabled"
        label={i18n.t('Rule in force')}
        checked={draft.enabled}
        onChange={({ checked: on }) => set({ enabled: on })}
      />
      {problems.length > 0 && (
        <NoticeBox error title={i18n.t('The rule cannot be saved yet')}>
          {i18n.t('Correct the fields marked in red.')}
        </NoticeBox>
      )}
      <ButtonStrip>
        <Button primary type="submit" loading={busy} disabled={busy}>
          {i18n.t('Save the rule')}
        </Button>
        <Button secondary onClick={onCancel} disabled={busy}>
          {i18n.t('Cancel')}
        </Button>
      </ButtonStrip>
    </form>
  )
}
