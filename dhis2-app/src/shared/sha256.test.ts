import { createHash, randomBytes } from 'node:crypto'
import { sha256Hex } from './sha256'

const reference = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

test('agrees with Node on the FIPS examples, block edges and random text', () => {
  expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  for (const length of [1, 55, 56, 57, 63, 64, 65, 119, 120, 1000]) {
    const text = 'é'.repeat(length)
    expect(sha256Hex(text)).toBe(reference(text))
  }
  expect(sha256Hex('rupture 🧪 de stock')).toBe(reference('rupture 🧪 de stock'))
  for (let i = 0; i < 50; i++) {
    const text = randomBytes(1 + i * 7).toString('base64url')
    expect(sha256Hex(text)).toBe(reference(text))
  }
})
