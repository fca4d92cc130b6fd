import { createOdkStandin, rcForm, type OdkStandin, type OdkStandinOptions } from '../src'

export const EMAIL = 'donnees@ong-espoir.bj'
export const PASSWORD = 'mot-de-passe-long-1'
export const VIEWER = 'lecture@ong-espoir.bj'
export const COLLECTOR = 'collecte@ong-espoir.bj'
/** 64 characters of Central's token alphabet. */
export const APP_USER_TOKEN = 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7nP9rS1uV3xY5aC7eG9iK1mO3q'
export const PROJECT = 7
export const FORM = 'rc_rapport_mensuel'

export async function startStandin(options: Partial<OdkStandinOptions> = {}): Promise<OdkStandin> {
  const standin = createOdkStandin({
    users: [
      { email: EMAIL, password: PASSWORD, role: 'manager', displayName: 'Données ONG Espoir' },
      { email: VIEWER, password: PASSWORD, role: 'viewer' },
      { email: COLLECTOR, password: PASSWORD, role: 'collector' },
    ],
    appUsers: [{ token: APP_USER_TOKEN, displayName: 'Tablette RC Aguégués' }],
    projects: [{ id: PROJECT, name: 'Relais communautaires', forms: [rcForm(FORM)] }],
    ...options,
  })
  await standin.listen()
  return standin
}

export interface Answer {
  status: number
  body: unknown
  headers: Headers
}

export async function call(
  standin: OdkStandin,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const res = await fetch(`${standin.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers }
}

export async function login(standin: OdkStandin, email = EMAIL): Promise<Record<string, string>> {
  const res = await call(standin, '/v1/sessions', { method: 'POST', body: { email, password: PASSWORD } })
  if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`)
  return { Authorization: `Bearer ${(res.body as { token: string }).token}` }
}

/** The data document path with OData options; URLSearchParams encodes them as Central's own links do. */
export const submissionsPath = (params: Record<string, string> = {}): string => {
  const query = new URLSearchParams(params).toString()
  return `/v1/projects/${PROJECT}/forms/${FORM}.svc/Submissions${query ? `?${query}` : ''}`
}
