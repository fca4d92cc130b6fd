import { secretHash, type StoredSecret } from '../ledger/bridge-secrets'
import { secretsView } from './ledger-secrets'

const entry = (e: Partial<StoredSecret> & Pick<StoredSecret, 'kind' | 'action' | 'hash'>): StoredSecret => ({
  name: 'route',
  role: null,
  expires: null,
  createdAt: new Date(0),
  createdBy: 'cli:test',
  ...e,
})

test('the last word on a route secret wins; a revoked secret is refused even if the environment holds it', () => {
  const a = secretHash('a'.repeat(64))
  const b = secretHash('b'.repeat(64))
  const view = secretsView([
    entry({ kind: 'route', action: 'accept', hash: a }),
    entry({ kind: 'route', action: 'accept', hash: b }),
    entry({ kind: 'route', action: 'revoke', hash: a }),
  ])
  expect([...view.routeAccepted]).toEqual([b])
  expect([...view.routeRevoked]).toEqual([a])
})

test('an API key revoked by name is gone, the environment key of that name too; a later one of that name counts', () => {
  const first = secretHash('k1'.repeat(32))
  const second = secretHash('k2'.repeat(32))
  const view = secretsView([
    entry({ kind: 'api-key', action: 'accept', name: 'ops', role: 'gestionnaire', hash: first, expires: '2027-01-31' }),
    entry({ kind: 'api-key', action: 'revoke', name: 'ops', hash: secretHash('ops') }),
    entry({ kind: 'api-key', action: 'accept', name: 'ops', role: 'lecteur', hash: second }),
  ])
  expect(view.apiKeys.get(first)).toBeUndefined()
  expect(view.apiKeys.get(second)).toEqual({ name: 'ops', role: 'lecteur' })
  expect(view.apiKeysRevoked.has('ops')).toBe(true)
})
