// The UI language, chosen in the app (issue 14 §5): it is the user's DHIS2 setting keyUiLocale, written with
// DHIS2's own API, so DHIS2's other apps and the next sign-in follow it too. The app shell reads it at start:
// the page reloads once it is saved.
import { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { NoticeBox, SegmentedControl } from '@dhis2/ui'
import { useState } from 'react'
import { uiLanguage, type Language } from '../shared/language'
import classes from './HomePage.module.css'

const reload = () => window.location.reload()

export function LanguageSwitch({ onSaved = reload }: { onSaved?: () => void }) {
  const engine = useDataEngine()
  const [saving, setSaving] = useState<Language | null>(null)
  const [failed, setFailed] = useState(false)
  // The language the screen is in now.
  const current = uiLanguage()
  const choose = async (language: Language) => {
    if (language === current || saving) return
    setSaving(language)
    setFailed(false)
    try {
      await engine.mutate({
        resource: 'userSettings/keyUiLocale',
        type: 'create',
        params: { value: language },
        data: {},
      })
      onSaved()
    } catch {
      setFailed(true)
      setSaving(null)
    }
  }
  return (
    <section className={classes.section} aria-labelledby="relais-language">
      {/* Named in both languages: whoever cannot read the current one still finds it. */}
      <h2 id="relais-language">Langue · Language</h2>
      <SegmentedControl
        selected={saving ?? current}
        options={[
          { label: 'Français', value: 'fr' },
          { label: 'English', value: 'en' },
        ]}
        onChange={({ value }) => void choose(value as Language)}
      />
      {failed && (
        <NoticeBox error title={i18n.t('The language was not changed')}>
          {i18n.t('DHIS2 could not be reached. Check your connection.')}
        </NoticeBox>
      )}
    </section>
  )
}
