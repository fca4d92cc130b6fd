/** @type {import('@dhis2/cli-app-scripts').D2Config} */
const config = {
  type: 'app',
  name: 'relais',
  title: 'Relais',
  description:
    "Community health worker reports, performance dashboards and the sync console for Benin's community health programme",
  minDHIS2Version: '2.40',
  direction: 'auto',
  dataStoreNamespace: 'relais',
  // Offline loading: the service worker precaches the app and keeps the last answer of each DHIS2 request
  // (network first), so an RC with no connection can still open their form and queue values (src/offline/).
  // The bridge's answers through the route are never kept: they are a data manager's live view.
  pwa: {
    enabled: true,
    caching: { patternsToOmitFromAppShell: ['/api/routes/'] },
  },
  entryPoints: {
    app: './src/App.tsx',
  },
  // No source maps in the shipped bundle (issue 11 §10): the platform turns them on, and they would hand the
  // app's whole source, comments included, to anyone who can open it. The code is open source anyway; the
  // maps only grow the zip users download over poor networks.
  viteConfigExtensions: { build: { sourcemap: false }, plugins: [englishIsTheKey()] },
}

/**
 * The app's keys ARE its English text (i18n/en.pot), and i18next answers a key it has no translation for with the
 * key itself, interpolated. The generated English file maps every key to itself: 49 KB (12 KB gzipped) of the
 * first chunk every user downloads, 0.2 s at 500 kbit/s (bench:app). It is built as an empty object instead.
 */
function englishIsTheKey() {
  const englishFile = /[\\/]D2App[\\/]locales[\\/]en[\\/]translations\.json$/
  return {
    name: 'relais-english-is-the-key',
    enforce: 'pre',
    load: (id) => (englishFile.test(id) ? '{}' : null),
  }
}

module.exports = config
