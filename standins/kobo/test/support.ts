import { createKoboStandin, type KoboStandin, type KoboStandinOptions } from '../src'

export const TOKEN = '0123456789abcdef0123456789abcdef01234567'
export const ASSET = 'aRcMensuelPartenaires26'

export async function startStandin(options: Partial<KoboStandinOptions> = {}): Promise<KoboStandin> {
  const standin = createKoboStandin({
    assets: [{ uid: ASSET, name: 'RC - rapport mensuel' }],
    token: TOKEN,
    ...options,
  })
  await standin.listen()
  return standin
}

export async function get(
  standin: KoboStandin,
  path: string,
  headers: Record<string, string> = { Authorization: `Token ${TOKEN}` },
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${standin.url}${path}`, { headers })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

export const dataPath = (params: Record<string, unknown> = {}, asset = ASSET): string => {
  const query = new URLSearchParams({ format: 'json' })
  for (const [key, value] of Object.entries(params))
    query.set(key, typeof value === 'string' ? value : JSON.stringify(value))
  return `/api/v2/assets/${asset}/data/?${query.toString()}`
}
