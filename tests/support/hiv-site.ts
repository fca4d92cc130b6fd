/**
 * A small HIV care site for the tracing tests (issue 19 §3): it holds its patients in clear (names, phones,
 * numbers), sends its list of patients lost to follow-up to the bridge signed with its list secret, and receives
 * the outcomes on its own HTTP endpoint, checking each signature with its outcomes secret as a site would.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SitePatient {
  readonly id: string
  readonly name: string
  readonly phone: string
  readonly sex: 'M' | 'F'
  readonly birthDate: string
  readonly missed: string
  readonly locality: string
  readonly rcCode?: string
  readonly areaCode?: string
}

export interface ReceivedOutcome {
  readonly headers: IncomingHttpHeaders
  readonly body: string
  readonly json: unknown
  readonly signatureOk: boolean
}

const sign = (secret: string, timestamp: string, body: string | Buffer) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')

/** The list as the site's records system exports it: everything it holds, name and phone included. */
export function listCsv(patients: readonly SitePatient[]): string {
  const header = 'id_patient;nom_prenom;telephone;sexe;date_naissance;rdv_manque;localite;code_rc;aire_sanitaire'
  const lines = patients.map((p) =>
    [
      p.id,
      p.name,
      p.phone,
      p.sex,
      p.birthDate.split('-').reverse().join('/'),
      p.missed,
      p.locality,
      p.rcCode ?? '',
      p.areaCode ?? '',
    ].join(';'),
  )
  return `\ufeff${header}\r\n${lines.join('\r\n')}\r\n`
}

export async function startHivSite(options: {
  listSecret: string
  outcomesSecret: string
  /** 0 (default): any free port. The demo gives its own. */
  port?: number
  /** Told of each outcome received (the demo prints it). */
  onOutcome?: (outcome: ReceivedOutcome) => void
}) {
  const outcomes: ReceivedOutcome[] = []
  let answer = 200
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const timestamp = String(req.headers['x-relais-timestamp'] ?? '')
      const given = /^sha256=([0-9a-f]{64})$/.exec(String(req.headers['x-relais-signature'] ?? ''))?.[1]
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300
      const signatureOk =
        given !== undefined &&
        fresh &&
        timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(sign(options.outcomesSecret, timestamp, body), 'hex'))
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        json = undefined
      }
      const outcome = { headers: req.headers, body, json, signatureOk }
      outcomes.push(outcome)
      options.onOutcome?.(outcome)
      res.writeHead(signatureOk ? answer : 401, { 'Content-Type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/relais/resultats`
  return {
    url,
    outcomes,
    /** The status the site answers signed outcomes with (200 by default; 503 to make the bridge retry). */
    answerWith(status: number) {
      answer = status
    },
    /** POSTs a list to the bridge, signed with the site's list secret. */
    async sendList(bridgeUrl: string, site: string, body: string, contentType = 'text/csv') {
      const timestamp = String(Math.floor(Date.now() / 1000))
      const res = await fetch(`${bridgeUrl}/api/v1/tracing/${site}/cases`, {
        method: 'POST',
        headers: {
          'Content-Type': contentType,
          'X-Relais-Timestamp': timestamp,
          'X-Relais-Signature': `sha256=${sign(options.listSecret, timestamp, body)}`,
        },
        body,
      })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
