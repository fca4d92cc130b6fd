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

/** pino redact paths: each key at the top level and up to three levels down, in any object. */
export function redactPaths(keys: readonly string[] = REDACTED_KEYS): string[] {
  const paths: string[] = []
  for (const key of keys) {
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
