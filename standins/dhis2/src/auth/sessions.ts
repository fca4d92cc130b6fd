/** Browser sessions: a `JSESSIONID` cookie mapped to a user, expiring after a period without activity. */
import { randomBytes } from 'node:crypto'

interface Session {
  userId: string
  expiresAt: number
}

export const SESSION_COOKIE = 'JSESSIONID'

export class SessionStore {
  private readonly sessions = new Map<string, Session>()

  constructor(private readonly timeoutSeconds: () => number) {}

  create(userId: string): string {
    const id = randomBytes(24).toString('hex')
    this.sessions.set(id, { userId, expiresAt: Date.now() + this.timeoutSeconds() * 1000 })
    return id
  }

  /** The session's user, sliding its expiry; undefined when unknown or expired. */
  touch(id: string): string | undefined {
    const session = this.sessions.get(id)
    if (!session) return undefined
    if (session.expiresAt < Date.now()) {
      this.sessions.delete(id)
      return undefined
    }
    session.expiresAt = Date.now() + this.timeoutSeconds() * 1000
    return session.userId
  }

  destroy(id: string): void {
    this.sessions.delete(id)
  }

  /** Ends every session at once (tests of an expiring session). */
  expireAll(): void {
    this.sessions.clear()
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}
