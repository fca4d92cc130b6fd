/**
 * The route proof (issue 11 §6): the route's secret says a request came through something that holds it;
 * this says DHIS2 itself vouches for the user it names. The app's own DHIS2 session writes an entry
 * `relais-proofs/<sha256(nonce)>` and sends `relaisProof=<nonce>` with its calls through the route. The
 * bridge reads that entry's metaData with its own credentials: DHIS2 sets `createdBy` from the session that
 * wrote it, which no client can forge. Without the user's DHIS2 session nobody can make such an entry, and
 * the key (a hash) does not give the nonce away to users who can list the namespace.
 *
 * A proof is good for PROOF_TTL_MS from the first time this process checked it; then it is refused and its
 * entry deleted, so a nonce seen in a log is worth nothing after a few minutes. The app renews its proof
 * before then (dhis2-app/src/sync/api/routeProof.ts).
 */
import { createHash } from 'node:crypto'

export const PROOF_PARAM = 'relaisProof'
export const PROOF_NAMESPACE = 'relais-proofs'
export const PROOF_TTL_MS = 5 * 60_000

/** A nonce the app makes: 32–128 URL-safe characters (the app sends 43, base64url of 32 random bytes). */
const NONCE = /^[A-Za-z0-9_-]{32,128}$/

/** What the bridge reads in DHIS2 (the DHIS2 client implements it). */
export interface ProofStore {
  /** The username that created `relais-proofs/<key>`, or undefined when there is no such entry. */
  authorOf(key: string): Promise<string | undefined>
  remove(key: string): Promise<void>
}

export type ProofVerdict = 'ok' | 'refused'

export const proofKey = (nonce: string): string => createHash('sha256').update(nonce).digest('hex')

export class RouteProofs {
  private readonly seen = new Map<string, { username: string; firstSeen: number }>()
  /** Proofs past their time, remembered one more period: their DHIS2 entry may not be deleted yet. */
  private readonly dead = new Map<string, number>()

  constructor(
    private readonly store: ProofStore,
    private readonly ttlMs = PROOF_TTL_MS,
    private readonly now: () => number = Date.now,
    /** Bounded like the roles cache: a flood of proofs must not grow the process. */
    private readonly maxEntries = 10_000,
    private readonly onCleanupError: (error: unknown) => void = () => {},
  ) {}

  async check(nonce: string, username: string): Promise<ProofVerdict> {
    if (!NONCE.test(nonce)) return 'refused'
    const key = proofKey(nonce)
    this.sweep()
    if (this.dead.has(key)) return 'refused'
    const known = this.seen.get(key)
    if (known) return known.username === username ? 'ok' : 'refused'
    const author = await this.store.authorOf(key)
    // A proof someone else's session made proves nothing about this user; it is left alone (it is theirs).
    if (author === undefined || author !== username) return 'refused'
    if (this.seen.size >= this.maxEntries) this.expire(this.seen.keys().next().value as string)
    this.seen.set(key, { username, firstSeen: this.now() })
    return 'ok'
  }

  /** Proofs past their time: forgotten here and deleted in DHIS2 (in the background: a failed delete leaves an entry nobody can use). */
  private sweep(): void {
    const limit = this.now() - this.ttlMs
    for (const [key, entry] of this.seen) {
      // Insertion order is first-seen order: the first fresh one ends the sweep.
      if (entry.firstSeen > limit) break
      this.expire(key)
    }
    for (const [key, since] of this.dead) {
      if (since > limit && this.dead.size <= this.maxEntries) break
      this.dead.delete(key)
    }
  }

  private expire(key: string): void {
    this.seen.delete(key)
    this.dead.set(key, this.now())
    this.store.remove(key).catch(this.onCleanupError)
  }

  /** Remembered proofs (for tests and metrics). */
  get size(): number {
    return this.seen.size
  }
}
