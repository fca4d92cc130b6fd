/**
 * What the Relais app does before it calls the bridge through the DHIS2 route (issue 11 §6), for scripts and
 * tests that play a user: the user's own DHIS2 login writes `relais-proofs/<sha256(nonce)>`, and the nonce
 * goes with each call as `relaisProof` (bridge-service/src/api/route-proof.ts).
 */
import { createHash, randomBytes } from 'node:crypto'

export async function makeRouteProof(dhis2Url: string, authorization: string): Promise<string> {
  const nonce = randomBytes(32).toString('base64url')
  const key = createHash('sha256').update(nonce).digest('hex')
  const res = await fetch(`${dhis2Url}/api/dataStore/relais-proofs/${key}`, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    body: '{}',
  })
  if (res.status !== 201) throw new Error(`could not write a route proof: ${res.status} ${await res.text()}`)
  return nonce
}

/** A bridge URL (through the route) with the proof in its query string. */
export function withProof(url: string, nonce: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}relaisProof=${encodeURIComponent(nonce)}`
}
