/**
 * The bridge's logger: pino JSON lines on stdout, with secrets and personal fields redacted wherever
 * they appear in a logged object, so that a log line can be shared with support safely.
 */
import pino, { type DestinationStream, type Logger } from 'pino'

/** Keys whose values never reach a log: credentials, and personal data of RC and patients. */
export const REDACTED_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'token',
  'secret',
  'apiKey',
  'x-relais-route-secret',
  'x-relais-signature',
  'DHIS2_TOKEN',
  'DHIS2_PASSWORD',
  'RELAIS_ROUTE_SECRET',
  'RELAIS_PSEUDONYM_KEY',
  'RELAIS_API_KEYS',
  'phone',
  'phoneNumber',
  'email',
  'patientId',
  'patientName',
  'firstName',
  'surname',
  'dateOfBirth',
] as const

/**
 * The spellings a key is met in: pino's paths are case-sensitive, and an HTTP header arrives as `authorization`
 * from Node, `Authorization` from a client's own object, `AUTHORIZATION` from a proxy (issue 11 §10).
 */
export function spellings(key: string): string[] {
  const title = key.replace(/(^|[-_])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase())
  return [...new Set([key, key.toLowerCase(), key.toUpperCase(), key[0]!.toUpperCase() + key.slice(1), title])]
}

/** pino redact paths: each key, in each spelling, at the top level and up to three levels down, in any object. */
export function redactPaths(keys: readonly string[] = REDACTED_KEYS): string[] {
  const paths: string[] = []
  for (const key of keys.flatMap(spellings)) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`
    const join = (prefix: string) => (k.startsWith('[') ? `${prefix}${k}` : `${prefix}.${k}`)
    paths.push(k.startsWith('[') ? k.slice(2, -2) : k, join('*'), join('*.*'), join('*.*.*'))
  }
  return paths
}

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'relais-bridge' },
      redact: { paths: redactPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  )
}

export type { Logger }
