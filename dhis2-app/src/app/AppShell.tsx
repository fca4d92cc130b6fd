import i18n from '@dhis2/d2-i18n'
import { CircularLoader } from '@dhis2/ui'
import { lazy, Suspense } from 'react'
import { HashRouter, Navigate, Route, Routes } from 'react-router-dom'
import { HomePage } from '../home/HomePage'
import type { QueueStorage } from '../offline/types'
import { ValueQueueProvider } from '../offline/ValueQueueProvider'
import { useWarmOfflineCache } from '../offline/warmOfflineCache'
import { CurrentUserProvider } from '../shared/CurrentUserProvider'
import { AppMenu } from './AppMenu'
import classes from './AppShell.module.css'
import { RequireScreen } from './RequireScreen'
import { ROUTER_FUTURE } from './routerFuture'

// Each screen is its own chunk, loaded when first opened (issue 14 §6): an RC on a slow network downloads the
// entry form, not the dashboard's charts nor the sync console. The service worker precaches every chunk, so a
// screen opens offline all the same.
const SaisiePage = lazy(() => import('../saisie/SaisiePage').then((m) => ({ default: m.SaisiePage })))
const ResultsPage = lazy(() => import('../results/ResultsPage').then((m) => ({ default: m.ResultsPage })))
const DashboardPage = lazy(() => import('../dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })))
const SyncConsolePage = lazy(() => import('../sync/SyncConsolePage').then((m) => ({ default: m.SyncConsolePage })))

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
            <Suspense fallback={<CircularLoader aria-label={i18n.t('Loading the screen')} />}>
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
            </Suspense>
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
