/**
 * `/api/userSettings` as DHIS2 answers it (core `UserSettingsController`, `UserSettings`): every key has a
 * default; GET of one key answers its value as plain text; POST takes it as `?value=` or as a text body;
 * DELETE puts the default back. A key DHIS2 does not know is a 404 « Setting does not exist ». Only the
 * caller's own settings: the `user`/`userId` parameters (an administrator editing someone else's) are not served.
 */
import express, { type Request, type Router } from 'express'
import { conflict, notFound, sendWebMessage } from '../http/web-message'
import type { StandinContext } from '../context'

/** The keys with a default (UserSettings' accessors), and those defaults as DHIS2 writes them. */
export const USER_SETTING_DEFAULTS: Readonly<Record<string, string | boolean>> = {
  keyStyle: 'light_blue/light_blue.css',
  keyMessageEmailNotification: false,
  keyMessageSmsNotification: false,
  keyUiLocale: 'en',
  keyDbLocale: 'en',
  keyAnalysisDisplayProperty: 'name',
  keyTrackerDashboardLayout: '',
}

const known = (key: string) => Object.hasOwn(USER_SETTING_DEFAULTS, key)

export function registerUserSettings(router: Router, ctx: StandinContext): void {
  const text = express.text({ type: () => true, limit: '64kb' })
  const settingsOf = (req: Request) => ctx.userOf(req).user.settings as unknown as Record<string, string | boolean>
  const keyOf = (req: Request) => {
    const key = String(req.params.key)
    if (!known(key)) throw notFound(`Setting does not exist: ${key}`)
    return key
  }
  const all = (req: Request) => ({ ...USER_SETTING_DEFAULTS, ...settingsOf(req) })

  router.get('/userSettings', (req, res) => {
    const wanted = req.query.key === undefined ? undefined : [req.query.key].flat().map(String)
    const settings = all(req)
    res.set('Cache-Control', 'no-cache, private')
    res.json(wanted ? Object.fromEntries(wanted.filter(known).map((k) => [k, settings[k]])) : settings)
  })

  router.get('/userSettings/:key', (req, res) => {
    const key = keyOf(req)
    res.set('Cache-Control', 'no-cache, private')
    res.type('text/plain').send(String(all(req)[key]))
  })

  router.post('/userSettings/:key', text, (req, res) => {
    const key = keyOf(req)
    const value = typeof req.query.value === 'string' ? req.query.value : typeof req.body === 'string' ? req.body : ''
    if (value === '') throw conflict('You need to specify a new value')
    settingsOf(req)[key] = value
    sendWebMessage(res, 200, 'User setting saved')
  })

  router.delete('/userSettings/:key', (req, res) => {
    const key = keyOf(req)
    const settings = settingsOf(req)
    // The locales are part of the stand-in's user record: back to the default, not gone.
    if (key === 'keyUiLocale' || key === 'keyDbLocale') settings[key] = String(USER_SETTING_DEFAULTS[key])
    else delete settings[key]
    res.status(200).end()
  })
}
