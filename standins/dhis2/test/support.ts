/** Starting a stand-in for a test file and calling it as a given user over real HTTP. */
import { createStandin, type CreateStandinOptions, type Standin } from '../src/server'

export const PASSWORDS: Record<string, string> = {
  admin: 'district',
  relais: 'Relais-2026',
  superviseur: 'Relais-2026',
  'superviseur.aire': 'Relais-2026',
  gestionnaire: 'Relais-2026',
  administrateur: 'Relais-2026',
  controleur: 'Relais-2026',
  'ancien.superviseur': 'Relais-2026',
  passerelle: 'Relais-2026',
  /** Created by the tests that need an account without the Relais app (createUserWithoutApp). */
  'sans.app': 'Sans-App-2026!',
}

export function basic(username: string, password = PASSWORDS[username] ?? ''): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

export interface Client {
  standin: Standin
  url: string
  /** fetch as a user (Basic auth), JSON body if given. */
  call(
    method: string,
    path: string,
    options?: { as?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }> // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  close(): Promise<void>
}

export async function startStandin(options: CreateStandinOptions = {}): Promise<Client> {
  const standin = createStandin({ seed: 'small', ...options })
  const url = await standin.listen()
  return {
    standin,
    url,
    async call(method, path, { as = 'admin', body, headers = {} } = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          ...(as ? { Authorization: basic(as) } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      })
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = text ? JSON.parse(text) : undefined
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers }
    },
    close: () => standin.close(),
  }
}

/** A user with only F_DATAVALUE_ADD (no app authority): imported through POST /api/metadata as admin. */
export async function createUserWithoutApp(c: Client): Promise<void> {
  const res = await c.call('POST', '/api/metadata', {
    body: {
      userRoles: [{ id: 'RoleSansApp', name: 'Sans application', authorities: ['F_DATAVALUE_ADD'] }],
      users: [
        {
          id: 'UserSansApp',
          username: 'sans.app',
          password: PASSWORDS['sans.app'],
          firstName: 'Sans',
          surname: 'Application',
          userRoles: [{ id: 'RoleSansApp' }],
        },
      ],
    },
  })
  if (res.status !== 200) throw new Error(`could not create sans.app: ${JSON.stringify(res.body)}`)
}
