/**
 * What changes between the DHIS2 versions the stand-in can play (`--dhis2-version`), for the behaviours Relais
 * depends on (setup-ops §9 "Routes by version", §11 tokens, §12 version differences; core tags 2.40.x–2.42.x
 * `RouteService`, `RouteController`, `ApiTokenType`, `User`). Pure: a version string in, a description out.
 */

export interface RouteBehaviour {
  /** Methods `/api/routes/{id}/run` answers; others get 405. */
  methods: ReadonlySet<string>
  /** Whether the browser's Content-Type reaches the upstream (ALLOWED_REQUEST_HEADERS by patch). */
  forwardsContentType: boolean
  /** Auth scheme types a route may carry. */
  authTypes: ReadonlySet<string>
  /**
   * Whether an upstream 4xx/5xx comes back as it is. Before 2.40.10 / 2.41.7, RestTemplate throws and
   * CrudControllerAdvice answers a WebMessage with the upstream status and Spring's message instead.
   */
  passesUpstreamErrors: boolean
  /** Status of a sub-path on a route whose URL does not end in `/**` (BadRequestException; 2.42 502). */
  subPathStatus: 400 | 502
  subPathMessage: (id: string) => string
  /** No upstream answer in time: 2.42 answers 504 with no body; earlier, RestClientException → 503. */
  readTimeoutStatus: 503 | 504
  /** 2.42: `route.remote_servers_allowed` (default `https://*`) limits route URLs. */
  checksRemoteServers: boolean
}

export interface Dhis2Behaviour {
  version: string
  /** `2.41` */
  line: string
  patch: number
  /** undefined before 2.40: there is no /api/routes. */
  routes: RouteBehaviour | undefined
  /** Personal access tokens: V1 `d2pat_` up to 2.40, V2 `d2p_` from 2.41 (ApiTokenType.getDefaultPatType). */
  patType: 'PERSONAL_ACCESS_TOKEN_V1' | 'PERSONAL_ACCESS_TOKEN_V2'
  /** The nested `userCredentials{}` user payload: accepted up to 2.41, gone in 2.42 (flat only). */
  userCredentials: boolean
  /**
   * How a person whose password expired (`credentialsExpires`) sets a new one without signing in:
   * `account-password` — 2.40's legacy form endpoint `POST /api/account/password`, public in 2.40
   * (`DhisWebApiWebSecurityConfig` permitAll); `auth-update-password` — `POST /api/auth/updatePassword` (JSON),
   * added on the 2.41 and 2.42 branches by DHIS2-21120 (core e47ae935224, 21a1fc45f03), first released in
   * 2.41.10 and 2.42.6; `none` — 2.41.0–2.41.9.x and 2.42.0–2.42.5.x: the 2.41 security rewrite dropped the
   * permitAll of `/api/account/password`, so an expired user gets the login page back and only an
   * administrator (or e-mail recovery) can give them a new password.
   */
  expiredPasswordChange: 'account-password' | 'auth-update-password' | 'none'
  /** The two-factor flag on `/api/users` (setup-ops §5.1): 2.39 `twoFA`, 2.40–2.41 `twoFactorEnabled`, 2.42 none. */
  twoFactorField: 'twoFA' | 'twoFactorEnabled' | undefined
  /**
   * `GET /api/tracker/events` list shape [Δ] (web-api §5.3): `instances` with the pager's fields flat, 2.38–2.40
   * (`PagingWrapper`); `events` with `pager{}` and the deprecated flat `page`/`pageSize`, 2.41 (`Page.withPager`,
   * deprecated overload); `events` with `pager{}` only, and its `prevPage`/`nextPage` links, 2.42.
   */
  trackerList: 'instances' | 'events-flat-pager' | 'events-pager'
}

/** `2.41.7`, `2.41.7.1`, `2.42.0-SNAPSHOT` → line 2.41 / patch 7. */
export function parseVersion(version: string): { line: string; minor: number; patch: number } {
  const m = /^2\.(\d+)(?:\.(\d+))?/.exec(version.trim())
  if (!m) throw new Error(`not a DHIS2 version: "${version}" (expected for example 2.41.8)`)
  const minor = Number(m[1])
  return { line: `2.${minor}`, minor, patch: Number(m[2] ?? 0) }
}

const ALL_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'])
const BASIC_TYPES = ['http-basic', 'api-token']
const FOUR_TYPES = [...BASIC_TYPES, 'api-headers', 'api-query-params']

function routesOf(minor: number, patch: number): RouteBehaviour | undefined {
  if (minor < 40) return undefined
  const newMessage = (id: string) => `Route '${id}' does not allow sub-paths`
  const oldMessage = (id: string) => `Route ${id} does not allow subpaths`
  if (minor === 40) {
    return {
      methods: new Set(['GET', 'POST']),
      forwardsContentType: patch >= 10,
      authTypes: new Set(patch >= 7 ? FOUR_TYPES : BASIC_TYPES),
      passesUpstreamErrors: patch >= 10,
      subPathStatus: 400,
      subPathMessage: patch >= 10 ? newMessage : oldMessage,
      readTimeoutStatus: 503,
      checksRemoteServers: false,
    }
  }
  if (minor === 41) {
    return {
      methods: ALL_METHODS,
      forwardsContentType: patch >= 5,
      authTypes: new Set(patch >= 4 ? FOUR_TYPES : BASIC_TYPES),
      passesUpstreamErrors: patch >= 7,
      subPathStatus: 400,
      subPathMessage: patch >= 7 ? newMessage : oldMessage,
      readTimeoutStatus: 503,
      checksRemoteServers: false,
    }
  }
  return {
    methods: ALL_METHODS,
    forwardsContentType: patch >= 2,
    authTypes: new Set([...FOUR_TYPES, 'oauth2-client-credentials']),
    passesUpstreamErrors: true,
    subPathStatus: 502,
    subPathMessage: newMessage,
    readTimeoutStatus: 504,
    checksRemoteServers: true,
  }
}

export function behaviourOf(version: string): Dhis2Behaviour {
  const { line, minor, patch } = parseVersion(version)
  return {
    version,
    line,
    patch,
    routes: routesOf(minor, patch),
    patType: minor <= 40 ? 'PERSONAL_ACCESS_TOKEN_V1' : 'PERSONAL_ACCESS_TOKEN_V2',
    userCredentials: minor <= 41,
    expiredPasswordChange: expiredPasswordChangeOf(minor, patch),
    twoFactorField: minor <= 39 ? 'twoFA' : minor <= 41 ? 'twoFactorEnabled' : undefined,
    trackerList: minor <= 40 ? 'instances' : minor === 41 ? 'events-flat-pager' : 'events-pager',
  }
}

function expiredPasswordChangeOf(minor: number, patch: number): Dhis2Behaviour['expiredPasswordChange'] {
  if (minor <= 40) return 'account-password'
  if ((minor === 41 && patch < 10) || (minor === 42 && patch < 6)) return 'none'
  return 'auth-update-password'
}

/**
 * `route.remote_servers_allowed` of dhis.conf (2.42): comma-separated `scheme://host[:port]` globs; a route's
 * `scheme://host[:port]` must match one (RouteService.isRouteUrlAllowed).
 */
export function remoteServerAllowed(allowed: string, url: URL): boolean {
  const address = `${url.protocol}//${url.host}`
  return allowed
    .split(',')
    .map((glob) => glob.trim())
    .filter(Boolean)
    .some((glob) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(address))
}
