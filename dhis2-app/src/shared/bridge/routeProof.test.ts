import { newNonce, proofKey, PROOF_RENEW_MS, RouteProofKeeper, withProof } from './routeProof'

function keeper() {
  const written: string[] = []
  const removed: string[] = []
  let clock = 0
  let n = 0
  const k = new RouteProofKeeper(
    {
      async create(key) {
        written.push(key)
      },
      async remove(key) {
        removed.push(key)
      },
    },
    () => clock,
    () => `nonce-${++n}`.padEnd(43, 'x'),
  )
  return { k, written, removed, tick: (ms: number) => (clock += ms) }
}

test('one proof for calls made together, kept until it is 4 minutes old, then a new one', async () => {
  const { k, written, removed, tick } = keeper()
  const [a, b] = await Promise.all([k.nonceFor(), k.nonceFor()])
  expect(a).toBe(b)
  expect(written).toEqual([proofKey(a)])
  tick(PROOF_RENEW_MS - 1)
  expect(await k.nonceFor()).toBe(a)
  tick(1)
  const c = await k.nonceFor()
  expect(c).not.toBe(a)
  expect(written).toEqual([proofKey(a), proofKey(c)])
  // The old entry is tidied away.
  expect(removed).toEqual([proofKey(a)])
})

test('renew makes a new proof at once (the bridge refused the old one)', async () => {
  const { k, written } = keeper()
  const a = await k.nonceFor()
  const b = await k.nonceFor(true)
  expect(b).not.toBe(a)
  expect(written).toHaveLength(2)
})

test('a proof that cannot be written fails the call, and the next call tries again', async () => {
  let fail = true
  const k = new RouteProofKeeper({
    async create() {
      if (fail) throw new Error('403')
    },
    async remove() {},
  })
  await expect(k.nonceFor()).rejects.toThrow('403')
  fail = false
  expect(await k.nonceFor()).toMatch(/^[A-Za-z0-9_-]{43}$/)
})

test('nonces are 43 URL-safe characters; the key is their SHA-256; the proof joins any query', () => {
  const nonce = newNonce((b) => b.fill(255))
  expect(nonce).toBe('_'.repeat(42) + '8')
  expect(proofKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  expect(withProof('runs', 'n')).toBe('runs?relaisProof=n')
  expect(withProof('uploads?source=a', 'n-1')).toBe('uploads?source=a&relaisProof=n-1')
})
