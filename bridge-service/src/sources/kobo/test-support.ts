/** Shared set-up for the Kobo connector tests: the KoboToolbox stand-in (@relais/kobo-standin), over real HTTP. */
import { createKoboStandin, type KoboStandin } from '@relais/kobo-standin'
import { createKoboClient, type KoboClient, type KoboClientOptions } from './client'

export const TOKEN = 'f00dfeed0123456789abcdef0123456789abcdef'
export const ASSET = 'aRcMensuelPartenaires26'

export interface Harness {
  standin: KoboStandin
  client: KoboClient
  /** Moves the stand-in's clock (what `_submission_time` will be). */
  setTime(iso: string): void
}

export async function startHarness(options: Partial<KoboClientOptions> = {}): Promise<Harness> {
  let now = new Date('2026-10-03T09:00:00Z')
  const standin = createKoboStandin({ assets: [{ uid: ASSET }], token: TOKEN, now: () => now })
  const url = await standin.listen()
  const client = createKoboClient({ baseUrl: url, token: TOKEN, timeoutMs: 2000, ...options })
  return {
    standin,
    client,
    setTime(iso) {
      now = new Date(`${iso}Z`)
    },
  }
}
