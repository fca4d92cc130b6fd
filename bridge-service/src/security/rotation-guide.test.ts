import { secretsView } from '../api/ledger-secrets'
import { secretHash } from '../ledger/bridge-secrets'
import type { StoredSecret } from '../ledger/bridge-secrets'
import { rotationGuide, type RotationFacts } from './rotation-guide'

const at = new Date('2026-12-01T10:00:00Z')
const entry = (e: Partial<StoredSecret> & Pick<StoredSecret, 'kind' | 'name' | 'hash' | 'action'>): StoredSecret => ({
  role: null,
  expires: null,
  createdAt: at,
  createdBy: 'cli:ops',
  ...e,
})
const facts = (over: Partial<RotationFacts> = {}): RotationFacts => ({
  today: '2026-12-06',
  routeSecrets: [secretHash('old')],
  view: secretsView([]),
  envKeys: [],
  webhooks: [],
  warnDays: 30,
  ...over,
})
const en = (f: RotationFacts) =>
  rotationGuide(f).map((i) => [i.secret, i.state.en, ...i.next.map((n) => n.en)].join(' | '))

test('the route: nothing open, a new secret accepted in the ledger, both in the environment', () => {
  expect(en(facts())[0]).toBe(
    'RELAIS_ROUTE_SECRET | no rotation open | to start one: relais secrets route add (the new secret is shown once)',
  )
  const view = secretsView([entry({ kind: 'route', name: 'route', hash: secretHash('new'), action: 'accept' })])
  expect(en(facts({ view, routeAddedAt: '2026-12-01' }))[0]).toMatch(
    /^RELAIS_ROUTE_SECRET \| rotation open since 2026-12-01: .* \| put it in DHIS2's route: .* \| refuse the old one: /,
  )
  expect(en(facts({ routeSecrets: [secretHash('old'), secretHash('new')] }))[0]).toContain(
    'rotation open in the environment',
  )
  // The old one retired: the rotation is over.
  const done = secretsView([
    entry({ kind: 'route', name: 'route', hash: secretHash('new'), action: 'accept' }),
    entry({ kind: 'route', name: 'route', hash: secretHash('old'), action: 'revoke' }),
  ])
  expect(en(facts({ view: done, routeSecrets: [secretHash('old'), secretHash('new')] }))[0]).toContain(
    'no rotation open',
  )
})

test('API keys: no last day, near its end, far from it, expired, revoked; webhooks with one or two secrets', () => {
  const view = secretsView([
    entry({
      kind: 'api-key',
      name: 'ops-2027',
      role: 'gestionnaire',
      hash: 'h1',
      action: 'accept',
      expires: '2027-12-31',
    }),
    entry({ kind: 'api-key', name: 'gone', hash: secretHash('gone'), action: 'revoke' }),
  ])
  const lines = en(
    facts({
      view,
      envKeys: [
        { name: 'ops', role: 'gestionnaire', key: 'k1' },
        { name: 'soon', role: 'lecteur', key: 'k2', expires: '2026-12-20' },
        { name: 'old', role: 'lecteur', key: 'k3', expires: '2026-11-30' },
        { name: 'gone', role: 'lecteur', key: 'k4' },
      ],
      webhooks: [
        { source: 'partenaires', env: 'WEBHOOK_SECRET', values: 1 },
        { source: 'ong', env: 'ONG_SECRET', values: 2 },
      ],
    }),
  )
  expect(lines.slice(1)).toEqual([
    expect.stringMatching(/^api-key ops \(gestionnaire\) \| environment, no last day \| add its successor: /),
    expect.stringMatching(
      /^api-key soon \(lecteur\) \| environment, valid until 2026-12-20 \(14 days\) \| add its successor/,
    ),
    'api-key old (lecteur) | environment, expired on 2026-11-30 (refused) | remove it: relais secrets api-key revoke old',
    'api-key ops-2027 (gestionnaire) | ledger, valid until 2027-12-31 (390 days)',
    expect.stringMatching(
      /^webhook partenaires \(WEBHOOK_SECRET\) \| one secret \| to change it: WEBHOOK_SECRET=<old>,<new>/,
    ),
    expect.stringMatching(/^webhook ong \(ONG_SECRET\) \| rotation open: .* keep only it in ONG_SECRET/),
    'DHIS2_TOKEN | relais doctor and the daily check warn 30 days before it expires',
  ])
})
