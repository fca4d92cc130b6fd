import { Writable } from 'node:stream'
import { createLogger } from './logger'

function capture() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return { lines, stream }
}

const SECRETS = [
  'ApiToken d2pat_abcdefghijklmnopqrstuvwxyz0123456789',
  'hunter2-password',
  'route-secret-0123456789abcdef0123456789',
  '+22997000000',
]

test.each([
  ['an Authorization header in a request', { req: { headers: { authorization: SECRETS[0] } } }],
  ['a password at the top level', { password: SECRETS[1] }],
  ['the route secret header, hyphenated', { headers: { 'x-relais-route-secret': SECRETS[2] } }],
  ['a phone number deep in a record', { record: { raw: { contact: { phone: SECRETS[3] } } } }],
  ['an env dump', { env: { DHIS2_TOKEN: SECRETS[0], RELAIS_ROUTE_SECRET: SECRETS[2] } }],
  // Issue 11 §10: header names as clients and proxies spell them.
  ['Authorization, capitalised', { req: { headers: { Authorization: SECRETS[0] } } }],
  ['AUTHORIZATION, upper case', { headers: { AUTHORIZATION: SECRETS[0] } }],
  ['X-Relais-Route-Secret, title case', { headers: { 'X-Relais-Route-Secret': SECRETS[2] } }],
  ['Password and PHONE', { Password: SECRETS[1], contact: { PHONE: SECRETS[3] } }],
])('redacts %s', (_name, object) => {
  const { lines, stream } = capture()
  createLogger('info', stream).info(object, 'something happened')
  const line = lines.join('')
  for (const secret of SECRETS) expect(line).not.toContain(secret)
  expect(line).toContain('[redacted]')
  expect(JSON.parse(line).msg).toBe('something happened')
})

test('keeps what is not secret, and respects the level', () => {
  const { lines, stream } = capture()
  const log = createLogger('warn', stream)
  log.info({ source: 'kobo' }, 'hidden')
  log.warn({ source: 'kobo', records: 12 }, 'shown')
  expect(lines).toHaveLength(1)
  expect(JSON.parse(lines[0]!)).toMatchObject({
    level: 40,
    source: 'kobo',
    records: 12,
    msg: 'shown',
    service: 'relais-bridge',
  })
})
