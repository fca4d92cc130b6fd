/**
 * What every API module of the stand-in receives: the state, its derived index, the clock, the
 * options, and the signed-in user of a request. Modules register their routes with `register(router,
 * ctx)` and never reach into each other.
 */
import type { Request, Router } from 'express'
import type { OrganisationUnit, User } from '@relais/mappings'
import type { Clock } from './store/clock'
import type { StandinIndex, StandinState } from './store/state'
import type { TaskRegistry } from './api/tasks'
import type { Dhis2Behaviour } from './versions'
import type { Pacer } from './http/pace'
import type { DataValueSetPayload } from './import/data-value-set-import'
import type { ImportSummaryJson } from './import/common'

export interface StandinOptions {
  /** Reported DHIS2 version (`/api/system/info`); decides the API version the app shell uses. */
  version: string
  timeZone: string
  /** Installed apps: app name → folder of its built files (e.g. `relais` → dhis2-app/build/app). */
  apps: Record<string, string>
  /** Enables `/api/testing/*` (clock, faults, reset). Off unless a flag turns it on. */
  testEndpoints: boolean
  /** Seconds a browser session lives without activity. */
  sessionTimeoutSeconds: number
  /** dhis.conf `route.remote_servers_allowed` (2.42+ checks it; DHIS2's default is `https://*`). */
  routeRemoteServersAllowed: string
  /** File the state is saved to on `POST /api/testing/state/save` and on shutdown (demo). */
  stateFile?: string
}

/** The signed-in user of a request, with everything authorisation checks need. */
export interface AuthUser {
  user: User
  authorities: Set<string>
  isSuperuser: boolean
  /** Data capture org units (writes must fall in their sub-trees). */
  captureOrgUnits: OrganisationUnit[]
  /** Data view org units (reads); DHIS2 falls back to the capture units when none are set. */
  viewOrgUnits: OrganisationUnit[]
  via: 'basic' | 'token' | 'session'
}

export interface StandinContext {
  readonly state: StandinState
  readonly index: StandinIndex
  readonly clock: Clock
  readonly options: StandinOptions
  /** What the played DHIS2 version does differently (`options.version`). */
  readonly behaviour: Dhis2Behaviour
  readonly tasks: TaskRegistry
  /** The DHIS2-paced mode's server slots (`pace` option); undefined: answers as fast as the stand-in can. */
  readonly pacer?: Pacer
  /** Called once a `POST /api/dataValueSets` has stored its values (benches time when values became readable). */
  readonly onImport?: (event: DataValueSetImportEvent) => void
  /** Rebuilds the index after metadata or users change. */
  reindex(): void
  /** Replaces the whole state (load from file, reset to seed). */
  replaceState(state: StandinState): void
  /** The authenticated user of a request (the auth middleware guarantees one on /api). */
  userOf(req: Request): AuthUser
  hasAuthority(user: AuthUser, ...authorities: string[]): boolean
  /** True when the org unit is inside one of the given roots' sub-trees. */
  isWithinAny(orgUnit: OrganisationUnit, roots: OrganisationUnit[]): boolean
}

export type RegisterApi = (router: Router, ctx: StandinContext) => void

/** What `onImport` receives: the request's values, its summary, and when they became readable. */
export interface DataValueSetImportEvent {
  payload: DataValueSetPayload
  summary: ImportSummaryJson
  /** `performance.now()` (this process's clock) right after the store took the values. */
  at: number
}
