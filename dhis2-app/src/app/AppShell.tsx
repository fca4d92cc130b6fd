import i18n from '@dhis2/d2-i18n'
import { HashRouter, Navigate, Route, Routes } from 'react-router-dom'
import { HomePage } from '../home/HomePage'
import type { QueueStorage } from '../offline/types'
import { ValueQueueProvider } from '../offline/ValueQueueProvider'
import { useWarmOfflineCache } from '../offline/warmOfflineCache'
import { DashboardPage } from '../dashboard/DashboardPage'
import { ResultsPage } from '../results/ResultsPage'
import { SaisiePage } from '../saisie/SaisiePage'
import { CurrentUserProvider } from '../shared/CurrentUserProvider'
import { SyncConsolePage } from '../sync/SyncConsolePage'
import { AppMenu } from './AppMenu'
import classes from './AppShell.module.css'
import { RequireScreen } from './RequireScreen'
import { ROUTER_FUTURE } from './routerFuture'

/**
 * The routes, inside a router given by the caller (HashRouter in the app, MemoryRouter in tests); the
 * queue's storage is IndexedDB unless a test gives another.
 */
export function AppRoutes({ queueStorage }: { queueStorage?: QueueStorage }) {
  return (
    <CurrentUserProvider>
      <ValueQueueProvider storage={queueStorage}>
        <div className={classes.shell}>
          <header className={classes.header}>
            <h1 className={classes.title}>{i18n.t('Relais')}</h1>
            <AppMenu />
          </header>
          <main className={classes.main}>
            <Routes>
              <Route path="/" element={<HomePage />} />
              <Route
                path="/saisie"
                element={
                  <RequireScreen screen="saisie">
                    <SaisiePage />
                  </RequireScreen>
                }
              />
              <Route
                path="/mes-resultats"
                element={
                  <RequireScreen screen="resultats">
                    <ResultsPage />
                  </RequireScreen>
                }
              />
              <Route
                path="/tableau-de-bord"
                element={
                  <RequireScreen screen="tableau-de-bord">
                    <DashboardPage />
                  </RequireScreen>
                }
              />
              <Route
                path="/synchronisation"
                element={
                  <RequireScreen screen="synchronisation">
                    <SyncConsolePage />
                  </RequireScreen>
                }
              />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </main>
        </div>
      </ValueQueueProvider>
    </CurrentUserProvider>
  )
}

export function AppShell() {
  useWarmOfflineCache()
  return (
    <HashRouter future={ROUTER_FUTURE}>
      <AppRoutes />
    </HashRouter>
  )
}
