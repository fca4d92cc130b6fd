/**
 * The reference of bench:app's slow-network section: DHIS2's bare header-bar page, an App Platform app whose
 * only content is the platform's shell (it draws the DHIS2 header bar) and one line of text. Built by
 * bench/reference-app.ts into bench/results/reference-app/ (git-, lint- and prettier-ignored), never shipped.
 * @type {import('@dhis2/cli-app-scripts').D2Config}
 */
const config = {
  type: 'app',
  name: 'headerbar',
  title: 'Header bar',
  // In d2.config rather than a package.json: this folder is no npm workspace and has no dependencies of its own.
  version: '1.0.0',
  minDHIS2Version: '2.40',
  // Offline loading as Relais has it (dhis2-app/d2.config.js): the repeat load of both is then served by the
  // platform's service worker, so the bench compares the same mechanism, not a service worker with the HTTP cache.
  pwa: { enabled: true },
  entryPoints: { app: './src/App.jsx' },
  viteConfigExtensions: { build: { sourcemap: false } },
}

module.exports = config
