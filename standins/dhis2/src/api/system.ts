/**
 * What an App Platform app calls when it starts (toolchain.md §3.1, app-platform §5.2): system info,
 * `me` and its dashboard counters, system settings (user settings: user-settings.ts), the header bar's module menu and logo,
 * plus ping and `system/id`. Served under `/api/` and `/api/<version>/`.
 */
import type { Router } from 'express'
import { generateUid } from '@relais/mappings'
import { notFound } from '../http/web-message'
import type { AuthUser, StandinContext } from '../context'
import { parseFields, renderObject } from '../query/fields'
import { baseUrlOf, renderContextFor } from './metadata'

/** The MeDto of 2.41: the user's own fields plus authorities, settings, data sets and programs. */
function meObject(ctx: StandinContext, user: AuthUser): Record<string, unknown> {
  const u = user.user
  const dataSets = ctx.state.metadata.dataSets
    .filter(
      (ds) =>
        user.isSuperuser ||
        ds.organisationUnits.some((o) => {
          const unit = ctx.index.metadata.objects.organisationUnits.byId.get(o.id)
          return unit !== undefined && ctx.isWithinAny(unit, user.captureOrgUnits)
        }),
    )
    .map((ds) => ds.id)
  // MeDto has no two-factor flag at its root up to 2.41 (it is in userCredentials); 2.42 has `twoFactorType`.
  const { twoFactorEnabled, ...own } = u
  return {
    ...own,
    ...(ctx.behaviour.twoFactorField ? {} : { twoFactorType: twoFactorEnabled ? 'TOTP_ENABLED' : 'NOT_ENABLED' }),
    displayName: u.name,
    authorities: [...user.authorities].sort(),
    settings: { ...u.settings, keyStyle: 'light_blue/light_blue.css', keyMessageEmailNotification: false },
    programs: [],
    dataSets,
    patTokens: [],
    access: { manage: true, externalize: true, write: true, read: true, update: true, delete: true },
    // 2.42's MeDto has no userCredentials (flat fields only).
    ...(ctx.behaviour.userCredentials
      ? {
          userCredentials: {
            id: u.id,
            username: u.username,
            lastLogin: u.lastLogin,
            passwordLastUpdated: u.passwordLastUpdated,
            disabled: u.disabled,
            twoFactorEnabled: u.twoFactorEnabled,
            userRoles: u.userRoles,
          },
        }
      : {}),
  }
}

export function registerSystem(router: Router, ctx: StandinContext): void {
  router.get('/system/info', (req, res) => {
    const user = ctx.userOf(req)
    const info: Record<string, unknown> = {
      contextPath: baseUrlOf(req),
      userAgent: req.get('user-agent') ?? '',
      calendar: 'iso8601',
      dateFormat: 'yyyy-mm-dd',
      serverDate: ctx.clock.timestamp(),
      serverTimeZoneId: ctx.options.timeZone,
      serverTimeZoneDisplayName: 'West Africa Time',
      lastAnalyticsTableSuccess: ctx.state.lastAnalyticsTableSuccess,
      intervalSinceLastAnalyticsTableSuccess: ctx.state.lastAnalyticsTableSuccess
        ? sinceText(ctx, ctx.state.lastAnalyticsTableSuccess)
        : undefined,
      lastAnalyticsTableRuntime: ctx.state.lastAnalyticsTableRuntime,
      version: ctx.options.version,
      revision: 'relais-standin',
      buildTime: '2026-08-21T00:00:00.000',
      systemId: 'b6f4e7c3-0d2e-4c1b-9a1d-relaisstandin',
      systemName: String(ctx.state.systemSettings.applicationTitle ?? 'DHIS2'),
      instanceBaseUrl: baseUrlOf(req),
      emailConfigured: false,
      isMetadataVersionEnabled: false,
    }
    // Non-superusers get the same minus host details (analytics §5); the stand-in has none to hide.
    if (user.isSuperuser) info.databaseInfo = { spatialSupport: true, name: 'standin', user: 'standin' }
    res.json(info)
  })

  router.get('/me', (req, res) => {
    const user = ctx.userOf(req)
    const me = meObject(ctx, user)
    const spec = typeof req.query.fields === 'string' ? req.query.fields : undefined
    if (!spec) {
      res.json(me)
      return
    }
    res.json(renderObject(me, 'users', parseFields(spec), renderContextFor(ctx, req, user)))
  })
  router.get('/me/authorities', (req, res) => res.json([...ctx.userOf(req).authorities].sort()))
  router.get('/me/authorities/:authority', (req, res) => {
    const user = ctx.userOf(req)
    res.json(user.isSuperuser || user.authorities.has(String(req.params.authority)))
  })
  router.get('/me/dashboard', (req, res) => {
    const user = ctx.userOf(req)
    const unread = ctx.state.messageConversations.filter(
      (c) => c.participants.includes(user.user.id) && !c.readBy.includes(user.user.id),
    ).length
    res.json({ unreadInterpretations: 0, unreadMessageConversations: unread })
  })

  router.get('/systemSettings', (_req, res) => res.json(ctx.state.systemSettings))
  router.get('/systemSettings/:key', (req, res) => {
    const key = String(req.params.key)
    const value = ctx.state.systemSettings[key]
    // DHIS2 answers an unknown key with an empty object rather than a 404.
    res.json(value === undefined ? {} : { [key]: value })
  })

  router.get('/staticContent/:key', (req) => {
    throw notFound(`No custom file found for key: ${String(req.params.key)}`)
  })
  router.get(['/ping', '/system/ping'], (_req, res) => res.type('text/plain').send('pong'))
  router.get('/system/id', (req, res) => {
    const limit = Math.min(10000, Math.max(1, Number(req.query.limit ?? 1) || 1))
    res.json({ codes: Array.from({ length: limit }, () => generateUid()) })
  })
}

/** DHIS2's "h, m, s" interval since a server-local timestamp. */
function sinceText(ctx: StandinContext, timestamp: string): string {
  const then = Date.parse(`${timestamp}Z`)
  const now = Date.parse(`${ctx.clock.timestamp()}Z`)
  const s = Math.max(0, Math.floor((now - then) / 1000))
  return `${Math.floor(s / 3600)} h, ${Math.floor((s % 3600) / 60)} m, ${s % 60} s`
}

/** The header bar's app menu (`dhis-web-commons/menu/getModules.action`): installed apps. */
export function registerModules(root: Router, ctx: StandinContext): void {
  root.get('/dhis-web-commons/menu/getModules.action', (_req, res) => {
    const modules = Object.keys(ctx.options.apps).map((name) => ({
      name,
      namespace: name,
      defaultAction: `../api/apps/${name}/index.html`,
      displayName: name === 'relais' ? 'Relais' : name,
      icon: `../api/apps/${name}/dhis2-app-icon.png`,
      description: '',
    }))
    res.json({ modules })
  })
}
