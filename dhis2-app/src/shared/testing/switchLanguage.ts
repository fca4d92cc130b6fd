// Test-only: switch @dhis2/d2-i18n to a language the way the app shell does at startup (adapter useLocale:
// resource bundle in the 'default' namespace, then setDefaultNamespace + changeLanguage), from the committed .po file.
import i18n from '@dhis2/d2-i18n'
import { translationsFrom } from './po'

export async function switchLanguage(lang: 'en' | 'fr'): Promise<void> {
  // deep merge: @dhis2/ui components have already put their own strings in the same namespace
  if (lang !== 'en') i18n.addResourceBundle(lang, 'default', translationsFrom(`${lang}.po`), true, false)
  i18n.setDefaultNamespace('default')
  await i18n.changeLanguage(lang)
}
