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
  entryPoints: {
    app: './src/App.tsx',
  },
}

module.exports = config
