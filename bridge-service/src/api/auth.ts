/**
 * Authentication of the bridge's API (ARCHITECTURE.md "Auth"):
 * - through the DHIS2 route: the route's secret header, checked in constant time, then DHIS2's
 *   `X-Forwarded-User`, whose roles come from their DHIS2 groups (looked up with the bridge's own
 *   credentials and cached a few minutes);
 * - scripts and operators: `Authorization: Bearer <key>`, each key with a role.
 * Anything else: 401 JSON. A known caller without the right: 403 JSON.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { secretHash } from '../ledger/bridge-secrets'
import type { SecretsView } from './ledger-secrets'
import type { NextFunction, Request, Response } from 'express'
import type { ApiKey } from '../config/env'
import { mayDo, type Action, type Role } from './roles'
import { PROOF_NAMESPACE, PROOF_PARAM, type RouteProofs } from './route-proof'

export const ROUTE_SECRET_HEADER = 'x-relais-route-secret'

export interface Principal {
  kind: 'route-user' | 'api-key'
  /** DHIS2 username, or the API key's name. */
  name: string
  roles: Role[]
  /** The DHIS2 org units of a route user, when the directory knows them (api/scope.ts). */
  orgUnits?: readonly string[]
}

export interface UserAccess {
  roles: Role[]
  /** The user's DHIS2 data-capture org units (ids). */
  orgUnits: string[]
}

/** Looks up a DHIS2 user's roles (the bridge's DHIS2 client implements it). */
export interface UserDirectory {
  rolesOf(username: string): Promise<Role[] | undefined>
  /** Roles and org units in one look-up; directories without it give unscoped principals. */
  accessOf?(username: string): Promise<UserAccess | undefined>
}

/** Caches a directory's answers for `ttlMs`, so each request does not cost a DHIS2 call. */
export class CachedDirectory implements UserDirectory {
  private readonly cache = new Map<string, { access: UserAccess | undefined; expires: number }>()

  constructor(
    private readonly inner: UserDirectory,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
    /** Bounded: a flood of unknown usernames must not grow the process without end (issue 11 §10). */
    private readonly maxEntries = 5_000,
  ) {}

  async rolesOf(username: string): Promise<Role[] | undefined> {
    return (await this.accessOf(username))?.roles
  }

  async accessOf(username: string): Promise<UserAccess | undefined> {
    const hit = this.cache.get(username)
    if (hit && hit.expires > this.now()) {
      // Least recently used goes first: re-insert on use.
      this.cache.delete(username)
      this.cache.set(username, hit)
      return hit.access
    }
    const access = this.inner.accessOf
      ? await this.inner.accessOf(username)
      : await this.inner.rolesOf(username).then((roles) => roles && { roles, orgUnits: [] as string[] })
    this.cache.delete(username)
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string)
    this.cache.set(username, { access, expires: this.now() + this.ttlMs })
    return access
  }

  /** Drops a user's cached access: their next request reads DHIS2 again (a role taken away takes effect now). */
  forget(username: string): boolean {
    return this.cache.delete(username)
  }

  get size(): number {
    return this.cache.size
  }
}

/** Constant-time comparison of two secrets of any length (hashing first equalises the lengths). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

export interface AuthOptions {
  routeSecret: string
  /** During a rotation: the secret DHIS2's route is being switched to, accepted as well (issue 16 §4). */
  routeSecretNext?: string
  apiKeys: readonly ApiKey[]
  /** For API keys' expiry (default Date.now). */
  now?: () => number
  /** Secrets added or revoked in the ledger by `relais secrets` (ledger-secrets.ts): no restart needed. */
  ledgerSecrets?: () => SecretsView
  directory: UserDirectory
  /**
   * DHIS2's word that the named user sent the request (route-proof.ts). Without it the route secret alone
   * is believed: only tests of other modules leave it out.
   */
  proofs?: RouteProofs
}

/** Why a caller is not known: lets the app tell a wrong route secret from an unknown DHIS2 user. */
export type AuthFailure =
  | 'route-secret'
  | 'forwarded-user-missing'
  | 'route-proof-missing'
  | 'route-proof-refused'
  | 'unknown-user'
  | 'api-key'
  | 'api-key-expired'
  | 'missing'

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
    readonly reason: AuthFailure = 'missing',
  ) {
    super(message)
  }
}

/** Who is calling, or an AuthError(401). */
export async function identify(req: Request, options: AuthOptions): Promise<Principal> {
  const secret = req.get(ROUTE_SECRET_HEADER)
  if (secret !== undefined) {
    // Both compared, whatever the first answer: the time taken says nothing of which one matched.
    const current = secretsEqual(secret, options.routeSecret)
    const next = options.routeSecretNext !== undefined && secretsEqual(secret, options.routeSecretNext)
    // The ledger knows secrets by their SHA-256 only: a lookup of the digest tells nothing of the value.
    const view = options.ledgerSecrets?.()
    const hash = view ? secretHash(secret) : ''
    const accepted =
      (current || next || view?.routeAccepted.has(hash) === true) && view?.routeRevoked.has(hash) !== true
    if (!accepted) throw new AuthError(401, 'Invalid route secret', 'route-secret')
    const username = req.get('x-forwarded-user')
    if (!username)
      throw new AuthError(
        401,
        'X-Forwarded-User is missing: call the bridge through the DHIS2 route relais-bridge',
        'forwarded-user-missing',
      )
    if (options.proofs) await checkProof(req, username, options.proofs)
    if (options.directory.accessOf) {
      const access = await options.directory.accessOf(username)
      if (!access) throw new AuthError(401, `Unknown DHIS2 user: ${username}`, 'unknown-user')
      return { kind: 'route-user', name: username, roles: access.roles, orgUnits: access.orgUnits }
    }
    const roles = await options.directory.rolesOf(username)
    if (!roles) throw new AuthError(401, `Unknown DHIS2 user: ${username}`, 'unknown-user')
    return { kind: 'route-user', name: username, roles }
  }
  const authorization = req.get('authorization')
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1]
  if (bearer) {
    const view = options.ledgerSecrets?.()
    const fromEnv = options.apiKeys.find((k) => secretsEqual(bearer, k.key))
    // A key of the environment revoked by name in the ledger is refused; keys added in the ledger count too.
    const key =
      (fromEnv && !view?.apiKeysRevoked.has(fromEnv.name) ? fromEnv : undefined) ??
      view?.apiKeys.get(secretHash(bearer))
    if (!key) throw new AuthError(401, 'Invalid API key', 'api-key')
    if (key.expires && (options.now ?? Date.now)() >= Date.parse(`${key.expires}T00:00:00Z`) + 86_400_000)
      throw new AuthError(401, `API key ${key.name} expired on ${key.expires}: ask for a new one`, 'api-key-expired')
    return { kind: 'api-key', name: key.name, roles: [key.role] }
  }
  throw new AuthError(
    401,
    'Authentication required: call through the DHIS2 route, or send Authorization: Bearer <API key>',
  )
}

async function checkProof(req: Request, username: string, proofs: RouteProofs): Promise<void> {
  const nonce = req.query[PROOF_PARAM]
  if (typeof nonce !== 'string' || nonce === '')
    throw new AuthError(
      401,
      `${PROOF_PARAM} is missing: the Relais app proves who is calling with an entry of the dataStore namespace ${PROOF_NAMESPACE}`,
      'route-proof-missing',
    )
  if ((await proofs.check(nonce, username)) !== 'ok')
    throw new AuthError(
      401,
      `DHIS2 does not vouch for ${username}: the proof is unknown, someone else's or expired; make a new one`,
      'route-proof-refused',
    )
}

const PRINCIPAL = Symbol('relais-principal')
type WithPrincipal = Request & { [PRINCIPAL]?: Principal }

export function principalOf(req: Request): Principal {
  const principal = knownPrincipalOf(req)
  if (!principal) throw new AuthError(401, 'Authentication required')
  return principal
}

/** The caller if authenticated, else undefined (no error built: the access log asks on every request). */
export function knownPrincipalOf(req: Request): Principal | undefined {
  return (req as WithPrincipal)[PRINCIPAL]
}

/** Express middleware: the caller must be known and allowed `action`. */
export function requireAction(action: Action, options: AuthOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    identify(req, options).then(
      (principal) => {
        if (!mayDo(principal.roles, action)) {
          res.status(403).json({
            error: 'forbidden',
            message: `Your role (${principal.roles.join(', ') || 'none'}) may not ${action}`,
          })
          return
        }
        ;(req as WithPrincipal)[PRINCIPAL] = principal
        next()
      },
      (error: unknown) => {
        if (error instanceof AuthError)
          res.status(error.status).json({ error: 'unauthorized', message: error.message, reason: error.reason })
        else next(error)
      },
    )
  }
}
