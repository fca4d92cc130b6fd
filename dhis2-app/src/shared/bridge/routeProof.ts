// The route proof (bridge-service/src/api/route-proof.ts): the route's secret tells the bridge a call came
// through DHIS2; this tells it DHIS2 vouches for the user. The app's own DHIS2 session writes an entry
// `relais-proofs/<sha256(nonce)>`, whose author DHIS2 records and no browser can forge, and sends the nonce
// as `relaisProof` with every call to the bridge. The bridge takes a proof for 5 minutes from its first use;
// the app makes a new one after 4, and at once when the bridge refuses one.
import { sha256Hex } from '../sha256'

export const PROOF_PARAM = 'relaisProof'
export const PROOF_NAMESPACE = 'relais-proofs'
/** Shorter than the bridge's 5 minutes, so a proof is never refused for its age while in use. */
export const PROOF_RENEW_MS = 4 * 60_000

/** What the proof needs of DHIS2: write and delete a dataStore entry (the data engine does both). */
export interface ProofWriter {
  create(key: string): Promise<void>
  remove(key: string): Promise<void>
}

/** 32 random bytes, base64url: 43 characters the bridge accepts (`[A-Za-z0-9_-]{32,128}`). */
export function newNonce(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(32))
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export const proofKey = (nonce: string): string => sha256Hex(nonce)

interface Proof {
  nonce: string
  key: string
  madeAt: number
}

/** One per signed-in user (the app has one): the current proof, made when first needed. */
export class RouteProofKeeper {
  private current: Proof | undefined
  private making: Promise<Proof> | undefined

  constructor(
    private readonly writer: ProofWriter,
    private readonly now: () => number = Date.now,
    private readonly nonce: () => string = () => newNonce(),
  ) {}

  /** The nonce to send; a new proof when there is none, it is old, or `renew` (the bridge refused it). */
  async nonceFor(renew = false): Promise<string> {
    const current = this.current
    if (!renew && current && this.now() - current.madeAt < PROOF_RENEW_MS) return current.nonce
    // Calls made at the same moment share one new proof.
    if (!this.making) {
      this.making = this.make(renew ? current : undefined).finally(() => {
        this.making = undefined
      })
    }
    return (await this.making).nonce
  }

  private async make(refused: Proof | undefined): Promise<Proof> {
    const previous = this.current
    const nonce = this.nonce()
    const proof = { nonce, key: proofKey(nonce), madeAt: this.now() }
    await this.writer.create(proof.key)
    this.current = proof
    // Tidy: the old entry proves nothing any more (the bridge deletes the ones it saw expire).
    const stale = previous ?? refused
    if (stale) this.writer.remove(stale.key).catch(() => undefined)
    return proof
  }
}

/** `path?x=1` + the proof. */
export function withProof(path: string, nonce: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${PROOF_PARAM}=${encodeURIComponent(nonce)}`
}
