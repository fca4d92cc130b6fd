import { createHmac } from 'node:crypto'
import { sign, verifySignature, type VerifyInput } from './hmac'
import { MemoryReplayCache, checkDelivery } from './replay'

const NOW = Date.UTC(2026, 9, 3, 9, 12, 44)
const SECRET = 'kobo-webhook-secret-0123456789abcdef'
const BODY = '{"records":[{"rc_code":"RC-AQ-00042","mois":"2026-09","vad":"22"}]}'

function input(overrides: Partial<VerifyInput> = {}): VerifyInput {
  const signed = sign(BODY, SECRET, NOW)
  return {
    rawBody: BODY,
    timestamp: signed.timestamp,
    signature: signed.signature,
    secret: SECRET,
    now: NOW,
    ...overrides,
  }
}

describe('sign', () => {
  it('is HMAC-SHA256 of "<timestamp>.<raw body>" in hex (sources.md §3)', () => {
    const signed = sign(BODY, SECRET, NOW)
    const expected = createHmac('sha256', SECRET)
      .update(`${NOW / 1000}.${BODY}`)
      .digest('hex')
    expect(signed).toEqual({
      timestamp: String(NOW / 1000),
      signature: `sha256=${expected}`,
      headers: { 'X-Relais-Timestamp': String(NOW / 1000), 'X-Relais-Signature': `sha256=${expected}` },
    })
  })
})

describe('verifySignature', () => {
  it('accepts a correct signature, from a Buffer or a string', () => {
    expect(verifySignature(input())).toMatchObject({ ok: true, timestamp: NOW / 1000 })
    expect(verifySignature(input({ rawBody: Buffer.from(BODY) })).ok).toBe(true)
  })

  it('accepts up to 5 minutes of clock difference either way, not more', () => {
    expect(verifySignature(input({ now: NOW + 300_000 })).ok).toBe(true)
    expect(verifySignature(input({ now: NOW - 300_000 })).ok).toBe(true)
    expect(verifySignature(input({ now: NOW + 301_000 }))).toMatchObject({ ok: false, reason: 'stale-timestamp' })
    expect(verifySignature(input({ now: NOW - 301_000 }))).toMatchObject({ ok: false, reason: 'stale-timestamp' })
  })

  it.each<[string, Partial<VerifyInput>, string]>([
    ['no timestamp', { timestamp: undefined }, 'missing-timestamp'],
    ['no signature', { signature: undefined }, 'missing-signature'],
    ['an empty signature', { signature: '' }, 'missing-signature'],
    ['a timestamp in milliseconds with a fraction', { timestamp: '1791018764.5' }, 'malformed-timestamp'],
    ['a date as timestamp', { timestamp: '2026-10-03T09:12:44Z' }, 'malformed-timestamp'],
    ['a repeated timestamp header', { timestamp: ['1', '2'] }, 'malformed-timestamp'],
    ['no sha256= prefix', { signature: 'a'.repeat(64) }, 'malformed-signature'],
    ['a short digest', { signature: 'sha256=abcd' }, 'malformed-signature'],
    ['a base64 digest', { signature: 'sha256=' + Buffer.alloc(32).toString('base64') }, 'malformed-signature'],
    ['another secret', { secret: 'not-the-secret' }, 'bad-signature'],
    ['a changed body', { rawBody: BODY.replace('22', '23') }, 'bad-signature'],
    ['a re-dated delivery', { timestamp: String(NOW / 1000 + 1) }, 'bad-signature'],
  ])('refuses %s with a clear reason', (_what, overrides, reason) => {
    const result = verifySignature(input(overrides))
    expect(result).toMatchObject({ ok: false, reason })
    expect(result.ok ? '' : result.message).not.toBe('')
  })

  it('accepts an upper-case hex digest', () => {
    const signed = sign(BODY, SECRET, NOW)
    expect(verifySignature(input({ signature: signed.signature.toUpperCase().replace('SHA256', 'sha256') })).ok).toBe(
      true,
    )
  })

  it('accepts the old and the new secret while a secret is rotated', () => {
    expect(verifySignature(input({ secret: ['new-secret', SECRET] })).ok).toBe(true)
    expect(verifySignature(input({ secret: ['new-secret', 'other'] })).ok).toBe(false)
  })
})

describe('checkDelivery with a replay cache', () => {
  it('accepts a delivery once and refuses the same one again', async () => {
    const cache = new MemoryReplayCache(() => NOW)
    expect((await checkDelivery(input(), cache)).ok).toBe(true)
    expect(await checkDelivery(input(), cache)).toMatchObject({ ok: false, reason: 'replayed' })
  })

  it('does not remember forged deliveries', async () => {
    const cache = new MemoryReplayCache(() => NOW)
    await checkDelivery(input({ secret: 'wrong' }), cache)
    expect(cache.size).toBe(0)
  })

  it('forgets signatures once their timestamp can no longer be accepted', async () => {
    let now = NOW
    const cache = new MemoryReplayCache(() => now)
    expect(await cache.seen('a')).toBe(false)
    now += 599_000
    expect(await cache.seen('a')).toBe(true)
    now += 2_000
    expect(await cache.seen('b')).toBe(false)
    expect(cache.size).toBe(1)
  })

  it('treats a re-signed retry as a new delivery (dedup is the ledger’s job)', async () => {
    const cache = new MemoryReplayCache(() => NOW)
    expect((await checkDelivery(input(), cache)).ok).toBe(true)
    const retry = sign(BODY, SECRET, NOW + 1000)
    const again = input({ timestamp: retry.timestamp, signature: retry.signature, now: NOW + 1000 })
    expect((await checkDelivery(again, cache)).ok).toBe(true)
  })
})
