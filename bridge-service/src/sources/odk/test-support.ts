/** Shared set-up for the ODK Central connector tests: the ODK Central stand-in (@relais/odk-standin), over real HTTP. */
import { createOdkStandin, rcForm, type OdkStandin } from '@relais/odk-standin'
import { createOdkClient, type OdkAuth, type OdkClient, type OdkClientOptions } from './client'

export const EMAIL = 'pont@relais.bj'
export const PASSWORD = 'un-mot-de-passe-long'
export const APP_USER_TOKEN = 'Tq9LmW2xYz4AbC6dEf8GhI0jKl2MnO4pQr6StU8vWx0YzA2bC4dE6fG8hI0jK2Lm'
export const PROJECT = 3
export const FORM = 'rc_rapport_mensuel'

export interface Harness {
  standin: OdkStandin
  client: OdkClient
  /** A client with other options (auth, timeout) on the same stand-in. */
  clientWith(options: Partial<OdkClientOptions>): OdkClient
  /** Moves the stand-in's clock (what submissionDate/updatedAt/deletedAt will be). */
  setTime(iso: string): void
}

export const SESSION_AUTH: OdkAuth = { kind: 'session', email: EMAIL, password: PASSWORD }

export async function startHarness(options: Partial<OdkClientOptions> = {}): Promise<Harness> {
  let now = new Date('2026-10-03T09:00:00Z')
  const standin = createOdkStandin({
    users: [{ email: EMAIL, password: PASSWORD, role: 'viewer', displayName: 'Pont Relais' }],
    appUsers: [{ token: APP_USER_TOKEN }],
    projects: [{ id: PROJECT, name: 'Relais communautaires', forms: [rcForm(FORM)] }],
    now: () => now,
  })
  const url = await standin.listen()
  const clientWith = (more: Partial<OdkClientOptions>) =>
    createOdkClient({ baseUrl: url, projectId: PROJECT, auth: SESSION_AUTH, timeoutMs: 2000, ...options, ...more })
  return {
    standin,
    client: clientWith({}),
    clientWith,
    setTime(iso) {
      now = new Date(iso)
    },
  }
}
