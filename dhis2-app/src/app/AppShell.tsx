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
// screen opens offline all the same. Each chunk is asked for once (the promise is kept).
function chunk<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () => (loading ??= load())
}
const SCREEN_CHUNKS = {
  '/saisie': chunk(() => import('../saisie/SaisiePage').then((m) => ({ default: m.SaisiePage }))),
  '/mes-resultats': chunk(() => import('../results/ResultsPage').then((m) => ({ default: m.ResultsPage }))),
  '/recherche-pdv': chunk(() => import('../tracing/TracingPage').then((m) => ({ default: m.TracingPage }))),
  '/tableau-de-bord': chunk(() => import('../dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage }))),
  '/synchronisation': chunk(() => import('../sync/SyncConsolePage').then((m) => ({ default: m.SyncConsolePage }))),
  '/rappels': chunk(() => import('../reminders/RemindersPage').then((m) => ({ default: m.RemindersPage }))),
  '/aide': chunk(() => import('../helpdesk/HelpdeskPage').then((m) => ({ default: m.HelpdeskPage }))),
  '/qualite': chunk(() => import('../quality/QualityPage').then((m) => ({ default: m.QualityPage }))),
  '/bulletin': chunk(() => import('../bulletin/BulletinPage').then((m) => ({ default: m.BulletinPage }))),
  '/securite': chunk(() => import('../security/SecurityPage').then((m) => ({ default: m.SecurityPage }))),
  '/exploitation': chunk(() =>
    import('../exploitation/ExploitationPage').then((m) => ({ default: m.ExploitationPage })),
  ),
}
const SaisiePage = lazy(SCREEN_CHUNKS['/saisie'])
const ResultsPage = lazy(SCREEN_CHUNKS['/mes-resultats'])
const TracingPage = lazy(SCREEN_CHUNKS['/recherche-pdv'])
const DashboardPage = lazy(SCREEN_CHUNKS['/tableau-de-bord'])
const SyncConsolePage = lazy(SCREEN_CHUNKS['/synchronisation'])
const RemindersPage = lazy(SCREEN_CHUNKS['/rappels'])
const HelpdeskPage = lazy(SCREEN_CHUNKS['/aide'])
const QualityPage = lazy(SCREEN_CHUNKS['/qualite'])
const BulletinPage = lazy(SCREEN_CHUNKS['/bulletin'])
const SecurityPage = lazy(SCREEN_CHUNKS['/securite'])
const ExploitationPage = lazy(SCREEN_CHUNKS['/exploitation'])
// Sends the help desk tickets an RC filed offline, whichever screen is open (a small chunk of its own).
const HelpdeskOutbox = lazy(() => import('../helpdesk/HelpdeskOutbox').then((m) => ({ default: m.HelpdeskOutbox })))
// Sends the tracing outcomes an RC recorded offline, whichever screen is open (issue 19 §3).
const TracingOutbox = lazy(() => import('../tracing/TracingOutbox').then((m) => ({ default: m.TracingOutbox })))

// The screen the app opens on starts downloading now, while the user's account is read, not after: one round
// trip less before the form shows on a slow network (bench:app). Access is still checked before it is shown.
const opening = /^#(\/[^?]*)/.exec(globalThis.location?.hash ?? '')?.[1]
if (opening && opening in SCREEN_CHUNKS) void SCREEN_CHUNKS[opening as keyof typeof SCREEN_CHUNKS]()

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
                  path="/recherche-pdv"
                  element={
                    <RequireScreen screen="recherche-pdv">
                      <TracingPage />
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
                <Route
                  path="/rappels"
                  element={
                    <RequireScreen screen="rappels">
                      <RemindersPage />
                    </RequireScreen>
                  }
                />
                <Route
                  path="/aide"
                  element={
                    <RequireScreen screen="aide">
                      <HelpdeskPage />
                    </RequireScreen>
                  }
                />
                <Route
                  path="/qualite"
                  element={
                    <RequireScreen screen="qualite">
                      <QualityPage />
                    </RequireScreen>
                  }
                />
                <Route
                  path="/bulletin"
                  element={
                    <RequireScreen screen="bulletin">
                      <BulletinPage />
                    </RequireScreen>
                  }
                />
                <Route
                  path="/securite"
                  element={
                    <RequireScreen screen="securite">
                      <SecurityPage />
                    </RequireScreen>
                  }
                />
                <Route
                  path="/exploitation"
                  element={
                    <RequireScreen screen="exploitation">
                      <ExploitationPage />
                    </RequireScreen>
                  }
                />
                <Route path="*" element={<Navigate to="/" replace />} />
              </Routes>
            </Suspense>
          </main>
          <Suspense fallback={null}>
            <HelpdeskOutbox />
            <TracingOutbox />
          </Suspense>
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
