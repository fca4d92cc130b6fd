// Entry point for d2-app-scripts (d2.config.js entryPoints.app). The app shell provides the DHIS2 data
// provider, header bar, alerts and the user's locale; the app registers its translations and its routes.
import './locales/index.js' // generated from i18n/*.po by `d2-app-scripts build|start` (git-ignored)
import { AppShell } from './app/AppShell'

const App = () => <AppShell />

export default App
