/** For the outbound tests only: a partner's HTTP receiver that checks signatures as a partner would. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../sources/webhook/hmac'

export const SECRET = 'outbound-test-secret-0123456789abcdef0123'
export const OTHER_SECRET = 'another-partner-secret-0123456789abcdef'
/** What a record's raw payload held: none of it may reach a partner. */
export const PERSONAL = ['Awa Koné', '+229 97 00 00 01', 'Quartier Zongo', 'awa.kone@example.org']

export interface Received {
  at: number
  headers: IncomingHttpHeaders
  body: string
  signatureOk: boolean
  signatureWithOtherSecret: boolean
}

export type Answer = { status: number; headers?: Record<string, string> }

/**
 * A partner: answers from a script (the last answer repeats) or a function of the call, checks each signature
 * with the inbound verifier, remembers each call.
 */
export async function receiver(script: Answer[] | ((call: Received) => Answer)) {
  const calls: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const check = (secret: string) =>
        verifySignature({
          rawBody: body,
          timestamp: req.headers['x-relais-timestamp'],
          signature: req.headers['x-relais-signature'],
          secret,
          now: Date.now(),
        }).ok
      calls.push({
        at: Date.now(),
        headers: req.headers,
        body,
        signatureOk: check(SECRET),
        signatureWithOtherSecret: check(OTHER_SECRET),
      })
      const answer =
        typeof script === 'function'
          ? script(calls[calls.length - 1]!)
          : script[Math.min(calls.length - 1, script.length - 1)]!
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers })
      res.end('{"ok":false,"echo":"ignored"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/relais`
  return { url, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
