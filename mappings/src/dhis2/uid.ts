/**
 * DHIS2 identifiers: 11 characters from [A-Za-z0-9], the first a letter (DHIS2's CodeGenerator).
 * `uidFromSeed` derives one deterministically from a string, so that seeded metadata has the same
 * UIDs on every machine and tests can name objects by code.
 */
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const ALPHANUMERIC = `0123456789${LETTERS}`
const UID_PATTERN = /^[A-Za-z][A-Za-z0-9]{10}$/

export function isValidUid(value: string): boolean {
  return UID_PATTERN.test(value)
}

/** 32-bit string hash (cyrb53's mixing, one lane); `seed` gives independent lanes. */
function hash32(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (h1 ^ h2) >>> 0
}

export function uidFromSeed(seed: string): string {
  let uid = LETTERS[hash32(seed, 0) % LETTERS.length] ?? 'a'
  for (let i = 1; i < 11; i++) uid += ALPHANUMERIC[hash32(seed, i) % ALPHANUMERIC.length] ?? '0'
  return uid
}

/** Random UIDs for new objects (DHIS2's `GET /api/system/id`); `random` is injectable for tests. */
export function generateUid(random: () => number = Math.random): string {
  let uid = LETTERS[Math.floor(random() * LETTERS.length)] ?? 'a'
  for (let i = 1; i < 11; i++) uid += ALPHANUMERIC[Math.floor(random() * ALPHANUMERIC.length)] ?? '0'
  return uid
}
