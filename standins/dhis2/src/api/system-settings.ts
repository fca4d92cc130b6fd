/**
 * Writing DHIS2's system settings (`WEBAPI/controller/SystemSettingController`, core 2.41): `POST
 * /api/systemSettings/{key}` with the value as `?value=` or the body (text/plain or JSON), and `POST
 * /api/systemSettings` with a JSON map; `ALL` or `F_SYSTEM_SETTING`. The value is stored as the key's type
 * (`SettingKey.getAsRealClass`: Integer, Boolean, …) so that `GET /api/systemSettings/{key}` answers
 * `{"credentialsExpires": 3}`, not `"3"`. Keys the stand-in does not type are kept as text.
 */
import express, { type Router } from 'express'
import type { StandinContext } from '../context'
import { forbidden, webMessage } from '../http/web-message'

/** `SettingKey` types (core 2.41 `API/setting/SettingKey.java`) of the keys Relais writes or reads. */
const TYPES: Record<string, 'int' | 'bool'> = {
  credentialsExpires: 'int',
  credentialsExpiryAlert: 'bool',
  credentialsExpiresReminderInDays: 'int',
  minPasswordLength: 'int',
  maxPasswordLength: 'int',
  keyLockMultipleFailedLogins: 'bool',
  keyAccountRecovery: 'bool',
  accountExpiryAlert: 'bool',
  accountExpiresInDays: 'int',
  keyCanGrantOwnUserAuthorityGroups: 'bool',
  keySmsMaxLength: 'int',
}

/** `getAsRealClass`: Integer.valueOf / Boolean.valueOf (anything but "true" is false). */
export function settingValue(key: string, raw: string): string | number | boolean | undefined {
  const type = TYPES[key]
  if (type === 'int') {
    const n = Number(raw.trim())
    return /^[-+]?\d+$/.test(raw.trim()) && Number.isSafeInteger(n) ? n : undefined
  }
  if (type === 'bool') return raw.trim().toLowerCase() === 'true'
  return raw
}

export function registerSystemSettings(router: Router, ctx: StandinContext): void {
  const text = express.text({ type: () => true })
  const mayWrite = (req: express.Request) => {
    if (!ctx.hasAuthority(ctx.userOf(req), 'F_SYSTEM_SETTING'))
      throw forbidden('Access is denied, requires one Authority from [F_SYSTEM_SETTING]')
  }

  router.post('/systemSettings/:key', text, (req, res) => {
    mayWrite(req)
    const key = String(req.params.key)
    const body = typeof req.body === 'string' && req.body !== '' ? req.body : undefined
    const raw = typeof req.query.value === 'string' ? req.query.value : body
    if (raw === undefined) {
      res.status(409).json(webMessage(409, 'Value must be specified as query param or as payload'))
      return
    }
    // A JSON string body ("\"abc\"") is the value without its quotes, as Spring reads it into a String.
    const unquoted = /^".*"$/s.test(raw.trim()) ? (JSON.parse(raw.trim()) as string) : raw
    const value = settingValue(key, unquoted)
    if (value === undefined) {
      // Integer.valueOf throws NumberFormatException: DHIS2 answers it as a 409.
      res.status(409).json(webMessage(409, `For input string: "${unquoted}"`))
      return
    }
    ctx.state.systemSettings[key] = value
    res.json(webMessage(200, `System setting '${key}' set to value '${String(value)}'.`))
  })

  router.post('/systemSettings', express.json({ type: () => true }), (req, res) => {
    mayWrite(req)
    const map = (req.body ?? {}) as Record<string, unknown>
    for (const [key, raw] of Object.entries(map)) {
      const value = settingValue(key, String(raw))
      if (value === undefined) {
        res.status(409).json(webMessage(409, `For input string: "${String(raw)}"`))
        return
      }
      ctx.state.systemSettings[key] = value
    }
    res.json(webMessage(200, 'System settings imported'))
  })
}
