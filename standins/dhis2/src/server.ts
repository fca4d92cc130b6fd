/**
 * The DHIS2 stand-in (2.41 by default; 2.40 and 2.42 with `version`, see versions.ts): an HTTP server that behaves like DHIS2 for everything Relais uses, written
 * from ../shared/reference/dhis2-web-api.md. Tests start it in-process on a free port; the demo starts
 * it from `cli.ts`.
 */
import { gzipJson } from './http/gzip-static'
import { existsSync, statSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { OrganisationUnit } from '@relais/mappings'
import { API_MODULES } from './api'
import { registerAuth } from './api/auth'
import { faultMiddleware } from './api/faults'
import { registerModules } from './api/system'
import { TaskRegistry } from './api/tasks'
import { attachSessionStore } from './api/testing'
import { authenticate, authUserOf } from './auth/middleware'
import { SessionStore } from './auth/sessions'
import type { AuthUser, DataValueSetImportEvent, StandinContext, StandinOptions } from './context'
import { cors } from './http/cors'
import { Pacer, resolvePace, type Pace, type PacePreset } from './http/pace'
import { HttpError, webMessage } from './http/web-message'
import { createSeededState, type DemoLogin, type SeededFinding, type SeedName } from './seed'
import { Clock } from './store/clock'
import { loadState, saveState } from './store/persistence'
import { StandinIndex, type StandinState } from './store/state'
import { behaviourOf } from './versions'

export interface CreateStandinOptions extends Partial<StandinOptions> {
  /** Seed size when no state file is loaded (default small). */
  seed?: SeedName
  seedNumber?: number
  /** Start instant of the clock (ISO); default: the real now. */
  now?: string
  /** Months of seeded reports (default 12). */
  months?: number
  /** Load this state file when it exists instead of seeding. */
  loadFrom?: string
  /**
   * DHIS2-paced mode (http/pace.ts): dataValueSets imports and reads cost what a real DHIS2 costs, as
   * wall-clock delay with a bounded number of requests served at once. `'dhis2-2.41'` or explicit figures.
   */
  pace?: Pace | PacePreset
  /** Called after each `POST /api/dataValueSets` stored its values (with `performance.now()`). */
  onImport?: (event: DataValueSetImportEvent) => void
}

export interface Standin {
  readonly ctx: StandinContext
  readonly app: express.Express
  readonly logins: DemoLogin[]
  /** The seeded data-quality findings (seed/data-quality.ts); empty for a loaded state or the blank seed. */
  readonly findings: SeededFinding[]
  readonly sessions: SessionStore
  /** Base URL once listening, e.g. http://127.0.0.1:43121 */
  url: string
  listen(port?: number, host?: string): Promise<string>
  close(): Promise<void>
  save(file?: string): void
}

export const DEFAULT_OPTIONS: StandinOptions = {
  version: '2.41.8',
  routeRemoteServersAllowed: 'https://*',
  timeZone: 'Africa/Porto-Novo',
  apps: {},
  testEndpoints: false,
  sessionTimeoutSeconds: 3600,
}

export function createStandin(options: CreateStandinOptions = {}): Standin {
  const { pace, onImport, ...standinOptions } = options
  const opts: StandinOptions = { ...DEFAULT_OPTIONS, ...stripUndefined(standinOptions) }
  const pacer = pace === undefined ? undefined : new Pacer(resolvePace(pace))
  const clock = new Clock(opts.timeZone, options.now)
  let logins: DemoLogin[] = []
  let findings: SeededFinding[] = []
  let state: StandinState
  if (options.loadFrom && existsFile(options.loadFrom)) state = loadState(options.loadFrom)
  else {
    const seeded = createSeededState({
      size: options.seed ?? 'small',
      seed: options.seedNumber,
      now: clock.now(),
      timeZone: opts.timeZone,
      months: options.months,
    })
    state = seeded.state
    logins = seeded.logins
    findings = seeded.findings
  }
  let index = new StandinIndex(state)
  const tasks = new TaskRegistry(clock)
  const behaviour = behaviourOf(opts.version)

  const ctx: StandinContext = {
    get state() {
      return state
    },
    get index() {
      return index
    },
    clock,
    options: opts,
    behaviour,
    tasks,
    pacer,
    onImport,
    reindex() {
      index = new StandinIndex(state)
    },
    replaceState(next: StandinState) {
      state = next
      index = new StandinIndex(state)
    },
    userOf(req: Request): AuthUser {
      const user = authUserOf(req)
      if (!user) throw new HttpError(401, 'Unauthorized')
      return user
    },
    hasAuthority(user: AuthUser, ...authorities: string[]) {
      return user.isSuperuser || authorities.some((a) => user.authorities.has(a))
    },
    isWithinAny(orgUnit: OrganisationUnit, roots: OrganisationUnit[]) {
      return roots.some((root) => index.metadata.isWithin(orgUnit, root.id))
    },
  }

  const sessions = new SessionStore(() => opts.sessionTimeoutSeconds)
  attachSessionStore(ctx, sessions)
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.set('query parser', 'extended')

  // `/api/41/...` and `/api/...` are the same API; the version is kept for the pre-2.38 plain answers.
  app.use(cors)
  app.use(gzipJson)
  app.use((req: Request, res: Response, next: NextFunction) => {
    const m = /^\/api\/(\d{2})(\/.*|$)/.exec(req.url)
    if (m) {
      res.locals.apiVersion = Number(m[1])
      req.url = `/api${m[2] || '/'}`
    }
    next()
  })
  const root = express.Router()
  registerAuth(root, ctx, sessions)
  app.use(root)
  app.use(faultMiddleware(ctx))
  app.use(authenticate(ctx, sessions))
  registerModules(app, ctx)
  const api = express.Router()
  for (const register of API_MODULES) register(api, ctx)
  app.use('/api', api)
  app.use('/api', (req: Request) => {
    throw new HttpError(404, `No endpoint ${req.method} /api${req.path}`)
  })
  app.use(errorHandler)

  let server: Server | undefined
  const standin: Standin = {
    ctx,
    app,
    logins,
    findings,
    sessions,
    url: '',
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolveListen, reject) => {
        server = createServer(app)
        server.keepAliveTimeout = 65000
        server.once('error', reject)
        server.listen(port, host, () => {
          const address = server?.address() as AddressInfo
          standin.url = `http://${host}:${address.port}`
          resolveListen(standin.url)
        })
      })
    },
    close() {
      return new Promise((resolveClose) => {
        if (!server) return resolveClose()
        server.closeAllConnections()
        server.close(() => resolveClose())
      })
    },
    save(file = opts.stateFile) {
      if (!file) throw new Error('No state file given (--state)')
      saveState(state, file)
    },
  }
  return standin
}

function errorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error)
  if (error instanceof HttpError) {
    res
      .status(error.httpStatusCode)
      .json(
        webMessage(error.httpStatusCode, error.message, { errorCode: error.errorCode, devMessage: error.devMessage }),
      )
    return
  }
  const e = error as { type?: string; status?: number; message?: string }
  if (e.type === 'entity.parse.failed') {
    res.status(400).json(webMessage(400, `JSON parse error: ${e.message ?? ''}`.trim()))
    return
  }
  if (e.type === 'entity.too.large') {
    res.status(413).json(webMessage(413, 'Request entity too large'))
    return
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    res.status(e.status).json(webMessage(e.status, e.message ?? 'Bad request'))
    return
  }
  console.error('[dhis2-standin] unexpected error', error)
  res.status(500).json(webMessage(500, error instanceof Error ? error.message : 'Internal error'))
}

function stripUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>
}

function existsFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile()
}
