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
  viteConfigExtensions: { build: { sourcemap: false } },
}

module.exports = config
