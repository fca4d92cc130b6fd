/**
 * `relais setup` (issue 12 §3): brings a DHIS2 to what Relais needs, and says what it changed.
 * 1. DHIS2's version must be supported (2.40–2.42);
 * 2. the metadata package against DHIS2 (compare.ts): what to create, update, or leave; the changes are
 *    validated by DHIS2 (importMode=VALIDATE) and, only when DHIS2 finds no error, committed;
 * 3. the bridge's service user (role ROLE_PASSERELLE) and its personal access token, made once, printed once,
 *    and its own data write on the programme's data sets and category options (service-data-access.ts);
 * 4. the route `relais-bridge` to the bridge, with the secret header (its fingerprint in the description lets
 *    a second run see that the secret is unchanged, since DHIS2 never shows a route's auth back);
 * 5. the app zip, when DHIS2 holds another version; 6. the dataStore defaults, when missing;
 * 7. DHIS2's own analytics job, when none runs at least weekly (issue 15 §4): the dashboard's figures come from
 *    the analytics tables, and DHIS2 schedules their run itself (no maintenance authority for the bridge);
 * 8. DHIS2's feedback recipients, when unset: the administrators' group answers the RC's help desk requests
 *    (issue 15 §2; unset, a request reaches only the RC's supervisors).
 * 9. DHIS2's own account controls (issue 16 §1, security-settings.ts): password expiry, its reminder, minimum
 *    length, the lock after failed sign-ins — last, because the expiry may end the operator's own Basic
 *    sign-in — after giving the bridge's service account a fresh password when its current one would expire
 *    within a month (service-password.ts: DHIS2 refuses the tokens of an expired account).
 * A dry run asks DHIS2 everything and writes nothing.
 */
import { createHash, randomInt } from 'node:crypto'
import { Cron } from 'croner'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { dataStoreDefaults, PACKAGE_TYPES, relaisPackage } from '@relais/metadata'
import type { Dhis2Admin } from './admin-client'
import { basicAuthorization, Dhis2AdminError } from './admin-client'
import { judgeVersion } from './dhis2-versions'
import { planType, type PlainObject, type TypePlan } from './compare'
import { addMonths, localTimestamp } from '@relais/mappings'
import {
  expiredPasswordChange,
  expiryMonthsAfter,
  planSecuritySettings,
  SECURITY_SETTINGS,
  type SettingChange,
} from './security-settings'
import { planServicePassword } from './service-password'
import { DATA_SHARED_TYPES, planServiceDataAccess } from './service-data-access'

export const ROUTE_CODE = 'relais-bridge'
export const SERVICE_ROLE_CODE = 'ROLE_PASSERELLE'
const TOKEN_DAYS = 365

export type PackageType = (typeof PACKAGE_TYPES)[number]

export interface SetupOptions {
  dryRun: boolean
  /** The bridge as DHIS2 reaches it (the route's target). */
  bridgeUrl: string
  routeSecret: string
  /** The app zip to install; undefined = leave the app alone. */
  appZip?: string
  serviceUsername: string
  now?: () => Date
}

/** One problem DHIS2's validation found, with what names it for a person. */
export interface ImportProblem {
  type: string
  uid?: string
  code?: string
  property?: string
  errorCode?: string
  message: string
}

export class SetupRefusedError extends Error {
  constructor(
    readonly problems: ImportProblem[],
    message = 'DHIS2 refused the metadata package',
  ) {
    super(message)
  }
}

export class UnsupportedVersionError extends Error {
  constructor(
    readonly version: string,
    readonly reason: { fr: string; en: string },
  ) {
    super(reason.en)
  }
}

/** DHIS2 2.42 refused the bridge's URL for the route (dhis.conf `route.remote_servers_allowed`). */
export class RouteUrlRefusedError extends Error {
  constructor(readonly url: string) {
    super(`DHIS2 does not permit a route to ${url}`)
  }
}

type Outcome = 'created' | 'updated' | 'unchanged'

export interface SetupReport {
  dryRun: boolean
  dhis2Version: string
  packageVersion: string
  types: Partial<
    Record<PackageType, { created: number; updated: number; unchanged: number; changes: TypePlan['changes'] }>
  >
  serviceUser: { username: string; outcome: 'created' | 'unchanged' }
  /** The data sets and category options (codes) on which the service account was given data write. */
  serviceDataAccess: { granted: string[] }
  /** Printed once: DHIS2 keeps only its hash. */
  token?: { key: string; expires: string }
  route: { outcome: Outcome; url: string }
  app: { outcome: 'installed' | 'unchanged' | 'skipped'; version?: string; previous?: string }
  dataStore: Array<{ key: string; outcome: 'created' | 'unchanged' }>
  /** DHIS2's feedback recipients group: kept when set, else the Relais administrators' group. */
  feedbackRecipients: { outcome: 'created' | 'unchanged'; group: string }
  /** DHIS2's analytics table job: one that runs at least weekly kept, else one made (nightly at 02:00). */
  analyticsJob: { outcome: 'created' | 'unchanged'; name: string; cron: string }
  /** DHIS2's account controls (issue 16 §1). */
  security: SecurityReport
  /** Objects created or updated (0 on a second run). */
  changed: number
}

export interface SecurityReport {
  /** Each system setting: set, already as strict (unchanged), or withheld (the expiry where DHIS2 offers no way out). */
  settings: SettingChange[]
  /** How a person whose password expired chooses a new one in this DHIS2 version (none: DHIS2-21120). */
  expiredPasswordChange: 'account-password' | 'auth-update-password' | 'none'
  /** The bridge's service account: a new password when the current one would expire within a month. */
  servicePassword: { outcome: 'rotated' | 'unchanged' | 'not-needed'; expires?: string }
  /** The superuser running setup, whose password the expiry also counts (server-local expiry). */
  operator: { username: string; expires?: string; expiredNow: boolean }
  /**
   * Two-factor authentication is not required by setup: DHIS2 can require it per role (the role restriction
   * `R_ENABLE_2FA`, 2.40.8+, enrolment forced at the next sign-in) but it also refuses Basic sign-in and tokens of
   * such users; left to the administrators and reported by the daily security check.
   */
  twoFactor: 'not-required'
}

/** A fingerprint of the route secret: enough to see it changed, useless to guess it (≥ 32 random characters). */
export const secretFingerprint = (secret: string) =>
  createHash('sha256').update(`relais-route:${secret}`).digest('hex').slice(0, 16)

/** DHIS2's generic words a password may not contain, in any case (`PasswordDictionaryValidationRule`). */
const RESERVED_WORDS = /user|admin|system|password|login|manager/i

/** A password DHIS2's rules accept (length, upper, lower, digit, special, no generic word), for an account nobody types into. */
export function servicePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=?@_']
  const all = sets.join('')
  for (;;) {
    const chars = [
      ...sets.map((s) => s[randomInt(s.length)]!),
      ...Array.from({ length: 28 }, () => all[randomInt(all.length)]!),
    ]
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1)
      ;[chars[i], chars[j]] = [chars[j]!, chars[i]!]
    }
    const password = chars.join('')
    // Rare (about 1 in 30,000), but DHIS2 would refuse the whole import for it.
    if (!RESERVED_WORDS.test(password)) return password
  }
}

const LIST_FIELDS = ':owner'

export async function currentObjects(
  dhis2: Dhis2Admin,
  type: string,
  ids: string[],
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  // Bounded URLs: a few dozen ids per request.
  for (let i = 0; i < ids.length; i += 50) {
    const chunk = ids.slice(i, i + 50)
    const body = await dhis2.get<Record<string, unknown>>(type, {
      filter: `id:in:[${chunk.join(',')}]`,
      fields: LIST_FIELDS,
      paging: 'false',
    })
    out.push(...((body[type] as Record<string, unknown>[] | undefined) ?? []))
  }
  return out
}

interface ImportReportJson {
  status?: string
  stats?: Record<string, number>
  typeReports?: Array<{
    klass?: string
    objectReports?: Array<{
      uid?: string
      index?: number
      errorReports?: Array<{ message?: string; errorCode?: string; errorProperty?: string; mainId?: string }>
    }>
  }>
}

/** DHIS2's import report → problems naming the object by its code (the report gives uid and index). */
export function importProblems(
  report: ImportReportJson | undefined,
  payload: Record<string, PlainObject[]>,
): ImportProblem[] {
  const problems: ImportProblem[] = []
  const byId = new Map<string, { type: string; code?: string }>()
  for (const [type, objects] of Object.entries(payload)) for (const o of objects) byId.set(o.id, { type, code: o.code })
  for (const typeReport of report?.typeReports ?? []) {
    const klass = (typeReport.klass ?? '').split('.').pop() ?? ''
    for (const objectReport of typeReport.objectReports ?? []) {
      for (const error of objectReport.errorReports ?? []) {
        const uid = objectReport.uid ?? error.mainId
        const known = uid ? byId.get(uid) : undefined
        problems.push({
          type: known?.type ?? klass,
          ...(uid ? { uid } : {}),
          ...(known?.code ? { code: known.code } : {}),
          ...(error.errorProperty ? { property: error.errorProperty } : {}),
          ...(error.errorCode ? { errorCode: error.errorCode } : {}),
          message: error.message ?? 'error',
        })
      }
    }
  }
  return problems
}

export async function importMetadata(
  dhis2: Dhis2Admin,
  payload: Record<string, PlainObject[]>,
  mode: 'VALIDATE' | 'COMMIT',
): Promise<void> {
  const { status, body } = await dhis2.request('POST', 'metadata', {
    query: { importMode: mode, importStrategy: 'CREATE_AND_UPDATE', atomicMode: 'ALL', identifier: 'UID' },
    json: payload,
    accept: [409],
  })
  const envelope = body as { response?: ImportReportJson } & ImportReportJson
  const report = envelope?.response ?? envelope
  const problems = importProblems(report, payload)
  if (status === 409 || report?.status === 'ERROR' || problems.length > 0)
    throw new SetupRefusedError(
      problems.length > 0
        ? problems
        : [{ type: 'metadata', message: `DHIS2 answered ${status} (${report?.status ?? '?'})` }],
    )
}

/** The package against what DHIS2 holds, type by type, in import order (what setup does, what doctor reports). */
export async function planPackage(dhis2: Dhis2Admin): Promise<Array<[PackageType, TypePlan]>> {
  const pkg = relaisPackage()
  const plans: Array<[PackageType, TypePlan]> = []
  for (const type of PACKAGE_TYPES) {
    const ours = pkg[type] as unknown as PlainObject[]
    const ids = ours.map((o) => o.id)
    plans.push([type, planType(ours, await currentObjects(dhis2, type, ids))])
  }
  return plans
}

export async function runSetup(dhis2: Dhis2Admin, options: SetupOptions): Promise<SetupReport> {
  const now = options.now ?? (() => new Date())
  const info = await dhis2.get<{ version: string; serverDate?: string; serverTimeZoneId?: string }>('system/info')
  const verdict = judgeVersion(info.version)
  if (!verdict.supported) throw new UnsupportedVersionError(info.version, verdict.reason)
  const pkg = relaisPackage()

  // 1. The package.
  const payload: Record<string, PlainObject[]> = {}
  const types: SetupReport['types'] = {}
  for (const [type, plan] of await planPackage(dhis2)) {
    types[type] = {
      created: plan.create.length,
      updated: plan.update.length,
      unchanged: plan.unchanged,
      changes: plan.changes,
    }
    const changed = [...plan.create, ...plan.update]
    if (changed.length > 0) payload[type] = changed
  }
  if (Object.keys(payload).length > 0) {
    await importMetadata(dhis2, payload, 'VALIDATE')
    if (!options.dryRun) await importMetadata(dhis2, payload, 'COMMIT')
  }
  let changed = Object.values(types).reduce((n, t) => n + t.created + t.updated, 0)

  // 2. The service user and its token, and its access to the programme's data.
  const serviceUser = await ensureServiceUser(dhis2, options, now)
  if (serviceUser.report.outcome === 'created') changed++
  const serviceDataAccess = await ensureServiceDataAccess(dhis2, options, serviceUser.id)
  changed += serviceDataAccess.granted.length

  // 3. The route.
  const route = await ensureRoute(dhis2, options)
  if (route.outcome !== 'unchanged') changed++

  // 4. The app.
  const app = await ensureApp(dhis2, options)
  if (app.outcome === 'installed') changed++

  // 5. dataStore defaults.
  const dataStore: SetupReport['dataStore'] = []
  for (const [namespace, entries] of Object.entries(dataStoreDefaults())) {
    for (const [key, value] of Object.entries(entries)) {
      const found = await dhis2.request('GET', `dataStore/${namespace}/${key}`, { accept: [404] })
      if (found.status !== 404) {
        dataStore.push({ key: `${namespace}/${key}`, outcome: 'unchanged' })
        continue
      }
      if (!options.dryRun) await dhis2.request('POST', `dataStore/${namespace}/${key}`, { json: value })
      dataStore.push({ key: `${namespace}/${key}`, outcome: 'created' })
      changed++
    }
  }

  // 7. DHIS2's analytics job.
  const analyticsJob = await ensureAnalyticsJob(dhis2, options, now)
  if (analyticsJob.outcome === 'created') changed++

  // 8. Who answers the help desk.
  const feedbackRecipients = await ensureFeedbackRecipients(dhis2, options)
  if (feedbackRecipients.outcome === 'created') changed++

  // 9. DHIS2's own account controls, last (see the head of this file).
  const serverNow = info.serverDate ?? localTimestamp(now(), info.serverTimeZoneId ?? 'UTC')
  const security = await ensureSecurity(dhis2, options, info.version, serverNow)
  changed += security.settings.filter((s) => s.outcome === 'set').length
  if (security.servicePassword.outcome === 'rotated') changed++

  return {
    dryRun: options.dryRun,
    dhis2Version: info.version,
    packageVersion: pkg.package.version,
    types,
    serviceUser: serviceUser.report,
    serviceDataAccess,
    ...(serviceUser.token ? { token: serviceUser.token } : {}),
    route,
    app,
    dataStore,
    analyticsJob,
    feedbackRecipients,
    security,
    changed,
  }
}

async function ensureSecurity(
  dhis2: Dhis2Admin,
  options: SetupOptions,
  version: string,
  serverNow: string,
): Promise<SecurityReport> {
  const current: Record<string, unknown> = {}
  for (const setting of SECURITY_SETTINGS) {
    // DHIS2 answers {"key": value}; an unknown or unset key, {} (its default then applies).
    const body = await dhis2.get<unknown>(`systemSettings/${setting.key}`)
    current[setting.key] = body && typeof body === 'object' ? (body as Record<string, unknown>)[setting.key] : body
  }
  const { changes } = planSecuritySettings(current, version)
  const months = expiryMonthsAfter(changes)
  // Read before the writes: once the expiry is set, an operator's old password no longer signs in. `/api/me`
  // has no passwordLastUpdated (MeDto 2.40–2.42), the users list does.
  const { username } = await dhis2.get<{ username?: string }>('me', { fields: 'username' })
  const operator = username
    ? (
        await dhis2.get<{ users?: Array<{ passwordLastUpdated?: string }> }>('users', {
          filter: `username:eq:${username}`,
          fields: 'passwordLastUpdated',
          paging: 'false',
        })
      ).users?.[0]
    : undefined
  // The service account first, so that its token never meets an expiry its password has already passed.
  const servicePassword = await ensureServicePassword(dhis2, options, months, serverNow)
  // The expiry last of all: from then on, an operator whose password is older is refused.
  const writes = changes
    .filter((c) => c.outcome === 'set')
    .sort((a, b) => Number(a.key === 'credentialsExpires') - Number(b.key === 'credentialsExpires'))
  if (!options.dryRun)
    for (const change of writes)
      await dhis2.request('POST', `systemSettings/${change.key}`, { body: String(change.value) })
  const operatorExpires =
    months > 0 && operator?.passwordLastUpdated ? addMonths(operator.passwordLastUpdated, months) : undefined
  return {
    settings: changes,
    expiredPasswordChange: expiredPasswordChange(version),
    servicePassword,
    operator: {
      username: username ?? '?',
      ...(operatorExpires ? { expires: operatorExpires } : {}),
      expiredNow: operatorExpires !== undefined && operatorExpires <= serverNow,
    },
    twoFactor: 'not-required',
  }
}

async function ensureServicePassword(
  dhis2: Dhis2Admin,
  options: SetupOptions,
  months: number,
  serverNow: string,
): Promise<SecurityReport['servicePassword']> {
  if (months === 0) return { outcome: 'not-needed' }
  const found = await dhis2.get<{ users?: Array<{ id: string; passwordLastUpdated?: string }> }>('users', {
    filter: `username:eq:${options.serviceUsername}`,
    fields: 'id,passwordLastUpdated',
    paging: 'false',
  })
  const user = found.users?.[0]
  // Not there yet (a dry run on a fresh DHIS2): this run makes it, with a fresh password.
  if (!user) return { outcome: 'unchanged', expires: addMonths(serverNow, months) }
  const plan = planServicePassword(user.passwordLastUpdated, months, serverNow)
  if (!plan.rotate) return { outcome: 'unchanged', ...(plan.expires ? { expires: plan.expires } : {}) }
  if (!options.dryRun) {
    // The account as it is (roles, org units an administrator may have changed), with a new password nobody sees.
    const owner = await dhis2.get<Record<string, unknown>>(`users/${user.id}`, { fields: ':owner' })
    const { userCredentials: _credentials, password: _password, ...fields } = owner
    await importMetadata(dhis2, { users: [{ ...fields, id: user.id, password: servicePassword() }] }, 'COMMIT')
  }
  return { outcome: 'rotated', ...(plan.expires ? { expires: plan.expires } : {}) }
}

/** The group DHIS2 sends feedback (help desk) messages to, when none is set: the Relais administrators. */
export const FEEDBACK_GROUP_CODE = 'RELAIS_ADMINS'

async function ensureFeedbackRecipients(
  dhis2: Dhis2Admin,
  options: SetupOptions,
): Promise<SetupReport['feedbackRecipients']> {
  const current = await dhis2.request('GET', 'configuration/feedbackRecipients', { accept: [204, 404] })
  const set = current.body as { code?: string; name?: string } | undefined
  if (current.status === 200 && set && typeof set === 'object')
    return { outcome: 'unchanged', group: set.code ?? set.name ?? '?' }
  const group = relaisPackage().userGroups.find((g) => g.code === FEEDBACK_GROUP_CODE)
  if (!group) throw new Error(`the metadata package has no user group ${FEEDBACK_GROUP_CODE}`)
  if (!options.dryRun) await dhis2.request('POST', 'configuration/feedbackRecipients', { body: group.id })
  return { outcome: 'created', group: FEEDBACK_GROUP_CODE }
}

/** The job `relais setup` makes when DHIS2 has none: every night at 02:00 (Spring's six-field cron), two years. */
export const ANALYTICS_JOB = {
  name: 'Relais - tables d’analyse (chaque nuit)',
  jobType: 'ANALYTICS_TABLE',
  cronExpression: '0 0 2 * * ?',
  jobParameters: { lastYears: 2, skipResourceTables: false },
} as const

/** Whether a Spring cron (seconds first) fires at least once in any 7 days: its next 2 runs are ≤ 7 days apart. */
export function atLeastWeekly(cron: string, now: Date): boolean {
  try {
    const runs = new Cron(cron.replace(/\?/g, '*'), { paused: true }).nextRuns(3, now)
    if (runs.length < 2) return false
    return runs.every((run, i) => i === 0 || run.getTime() - runs[i - 1]!.getTime() <= 7 * 86_400_000)
  } catch {
    return false
  }
}

async function ensureAnalyticsJob(
  dhis2: Dhis2Admin,
  options: SetupOptions,
  now: () => Date,
): Promise<SetupReport['analyticsJob']> {
  const { jobConfigurations = [] } = await dhis2.get<{
    jobConfigurations?: Array<{ name: string; cronExpression?: string; enabled?: boolean }>
  }>('jobConfigurations', {
    filter: 'jobType:eq:ANALYTICS_TABLE',
    fields: 'id,name,cronExpression,enabled',
    paging: 'false',
  })
  const running = jobConfigurations.find(
    (job) => job.enabled !== false && job.cronExpression && atLeastWeekly(job.cronExpression, now()),
  )
  if (running) return { outcome: 'unchanged', name: running.name, cron: running.cronExpression ?? '' }
  if (!options.dryRun) await dhis2.request('POST', 'jobConfigurations', { json: { ...ANALYTICS_JOB } })
  return { outcome: 'created', name: ANALYTICS_JOB.name, cron: ANALYTICS_JOB.cronExpression }
}

async function ensureServiceUser(
  dhis2: Dhis2Admin,
  options: SetupOptions,
  now: () => Date,
): Promise<{ id: string; report: SetupReport['serviceUser']; token?: SetupReport['token'] }> {
  const username = options.serviceUsername
  const found = await dhis2.get<{ users?: Array<{ id: string }> }>('users', {
    filter: `username:eq:${username}`,
    fields: 'id',
    paging: 'false',
  })
  const existing = found.users?.[0]
  if (existing) return { id: existing.id, report: { username, outcome: 'unchanged' } }
  const id = serviceUserId(username)
  if (options.dryRun) return { id, report: { username, outcome: 'created' } }
  const role = relaisPackage().userRoles.find((r) => r.code === SERVICE_ROLE_CODE)
  if (!role) throw new Error(`the metadata package has no role ${SERVICE_ROLE_CODE}`)
  const roots = await dhis2.get<{ organisationUnits?: Array<{ id: string }> }>('organisationUnits', {
    filter: 'level:eq:1',
    fields: 'id',
    paging: 'false',
  })
  const units = (roots.organisationUnits ?? []).map((o) => ({ id: o.id }))
  const password = servicePassword()
  const user: PlainObject = {
    id,
    username,
    password,
    firstName: 'Relais',
    surname: 'Passerelle',
    userRoles: [{ id: role.id }],
    organisationUnits: units,
    dataViewOrganisationUnits: units,
  }
  await importMetadata(dhis2, { users: [user] }, 'COMMIT')
  // The token is made by the service user itself: a DHIS2 token belongs to whoever creates it.
  const expires = new Date(now().getTime() + TOKEN_DAYS * 86_400_000)
  const created = await dhis2.as(basicAuthorization(username, password)).request('POST', 'apiToken', {
    json: { expire: expires.getTime() },
  })
  const key = (created.body as { response?: { key?: string } })?.response?.key
  if (!key) throw new Error('DHIS2 created no token for the service user')
  return { id, report: { username, outcome: 'created' }, token: { key, expires: expires.toISOString() } }
}

/** The service account's own data access on the package's data sets and category options (service-data-access.ts). */
async function ensureServiceDataAccess(
  dhis2: Dhis2Admin,
  options: SetupOptions,
  userId: string,
): Promise<SetupReport['serviceDataAccess']> {
  const pkg = relaisPackage()
  const payload: Record<string, PlainObject[]> = {}
  const granted: string[] = []
  for (const type of DATA_SHARED_TYPES) {
    const ours = pkg[type] as ReadonlyArray<{ id: string; code: string }>
    const found = await currentObjects(
      dhis2,
      type,
      ours.map((o) => o.id),
    )
    const current = new Map(found.map((c) => [String(c.id), c]))
    const inPackageOrder = ours.flatMap((o) => {
      const object = current.get(o.id)
      return object ? [object] : []
    })
    const updates = planServiceDataAccess(inPackageOrder, userId)
    // In the package's order; on a dry run over a fresh DHIS2 the objects are not there yet: this run would make
    // them and grant the access on each.
    granted.push(...ours.filter((o) => !current.has(o.id) || updates.some((u) => u.id === o.id)).map((o) => o.code))
    if (updates.length > 0) payload[type] = updates
  }
  if (Object.keys(payload).length > 0) {
    await importMetadata(dhis2, payload, 'VALIDATE')
    if (!options.dryRun) await importMetadata(dhis2, payload, 'COMMIT')
  }
  return { granted }
}

/** A stable UID for the service user (the same on every DHIS2 this package goes to). */
function serviceUserId(username: string): string {
  const digest = createHash('sha256')
    .update(`relais-service-user:${username}`)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
  return `U${digest.slice(0, 10)}`
}

async function ensureRoute(dhis2: Dhis2Admin, options: SetupOptions): Promise<SetupReport['route']> {
  const url = `${options.bridgeUrl.replace(/\/+$/, '')}/**`
  const description = `Relais bridge; secret fingerprint ${secretFingerprint(options.routeSecret)}`
  const desired = {
    name: 'Relais bridge',
    code: ROUTE_CODE,
    url,
    description,
    authorities: ['M_relais'],
    auth: { type: 'api-headers', headers: { 'X-Relais-Route-Secret': options.routeSecret } },
    // Readable by all (DHIS2 never shows a route's auth back): the bridge's account and `relais doctor` see it;
    // running it still needs M_relais.
    sharing: { public: 'r-------' },
  }
  const found = await dhis2.get<{
    routes?: Array<{ id: string; url?: string; description?: string; authorities?: string[] }>
  }>('routes', { filter: `code:eq:${ROUTE_CODE}`, fields: 'id,url,description,authorities', paging: 'false' })
  const current = found.routes?.[0]
  const save = async (method: 'POST' | 'PUT', path: string) => {
    try {
      await dhis2.request(method, path, { json: desired })
    } catch (error) {
      if (error instanceof Dhis2AdminError && error.status === 409 && /not permitted/i.test(error.message))
        throw new RouteUrlRefusedError(url)
      throw error
    }
  }
  if (!current) {
    if (!options.dryRun) await save('POST', 'routes')
    return { outcome: 'created', url }
  }
  const same =
    current.url === url &&
    current.description === description &&
    JSON.stringify([...(current.authorities ?? [])].sort()) === JSON.stringify(desired.authorities)
  if (same) return { outcome: 'unchanged', url }
  if (!options.dryRun) await save('PUT', `routes/${current.id}`)
  return { outcome: 'updated', url }
}

/** `relais-1.2.3.zip` → `1.2.3` (the app build names its bundle so). */
export function zipVersion(file: string): string | undefined {
  return /-(\d+\.\d+\.\d+[^/]*?)\.zip$/.exec(basename(file))?.[1]
}

async function ensureApp(dhis2: Dhis2Admin, options: SetupOptions): Promise<SetupReport['app']> {
  if (!options.appZip) return { outcome: 'skipped' }
  const version = zipVersion(options.appZip)
  const apps = await dhis2.get<Array<{ key: string; version?: string }>>('apps')
  const previous = apps.find((a) => a.key === 'relais')?.version
  if (version !== undefined && previous === version) return { outcome: 'unchanged', version }
  if (!options.dryRun) {
    const form = new FormData()
    form.append('file', new Blob([await readFile(options.appZip)]), basename(options.appZip))
    await dhis2.request('POST', 'apps', { body: form })
  }
  return { outcome: 'installed', ...(version ? { version } : {}), ...(previous ? { previous } : {}) }
}
