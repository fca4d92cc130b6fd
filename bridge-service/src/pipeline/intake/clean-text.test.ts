import { canonicalJson, contentHash } from '../hashing'
import { cleaningIssues } from '../map/map-worker'
import { cleanRecord, cleanString, CLEANED_KEY, MAX_DEPTH, REJECTED_KEY, TOO_DEEP_MARKER } from './clean-text'
import { deepJson, POISON_STRINGS } from './poison'

describe('cleanString', () => {
  it.each(POISON_STRINGS)('replaces $name by U+FFFD', ({ text, clean }) => {
    expect(cleanString(text)).toBe(clean)
  })

  it('keeps clean text, accents and emoji (surrogate pairs) as they are', () => {
    for (const text of ['rupture de stock', 'Abomey-Calavi — Sô-Ava', '😀 ok', '']) expect(cleanString(text)).toBe(text)
  })
})

describe('cleanRecord', () => {
  it('returns a clean record itself, untouched', () => {
    const raw = { code_rc: 'RC-1', n: 3, nested: { list: ['a', 1, null] } }
    expect(cleanRecord(raw)).toBe(raw)
  })

  it('replaces NUL and lone surrogates in values and keys, and names the fields it touched', () => {
    const cleaned = cleanRecord({
      code_rc: 'RC-1',
      note: 'rupture\u0000 de stock',
      group: { ['bad\uD800key']: 1, list: ['ok', 'x\uDC00'] },
    }) as Record<string, unknown>
    expect(cleaned.note).toBe('rupture\uFFFD de stock')
    expect(cleaned.group).toEqual({ 'bad\uFFFDkey': 1, list: ['ok', 'x\uFFFD'] })
    expect(cleaned[CLEANED_KEY]).toEqual(['note', 'group/bad\uFFFDkey', 'group/list/1'])
    expect(cleaned.code_rc).toBe('RC-1')
  })

  it('cuts what is nested deeper than MAX_DEPTH, keeps the rest, and marks the record', () => {
    const cleaned = cleanRecord({ code_rc: 'RC-7', x: JSON.parse(deepJson(5000)) }) as Record<string, unknown>
    expect(cleaned.code_rc).toBe('RC-7')
    expect(cleaned[REJECTED_KEY]).toMatchObject({ reason: 'json-too-deep', maxDepth: MAX_DEPTH })
    expect(JSON.stringify(cleaned)).toContain(TOO_DEEP_MARKER)
    // Two different deep records stay two different contents.
    const other = cleanRecord({ code_rc: 'RC-8', x: JSON.parse(deepJson(5000)) })
    expect(contentHash(other)).not.toBe(contentHash(cleaned))
  })

  it('keeps a received __proto__ key as data, never as a prototype', () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}, "note": "a\\u0000"}') as unknown
    const cleaned = cleanRecord(raw) as Record<string, unknown>
    expect(Object.prototype.hasOwnProperty.call(cleaned, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(JSON.stringify(cleaned)).toContain('"__proto__":{"polluted":true}')
  })

  it('wraps a record that is not an object when it must carry a mark', () => {
    expect(cleanRecord('a\u0000')).toEqual({ value: 'a\uFFFD', [CLEANED_KEY]: [''] })
  })
})

describe('the map stage reads the marks', () => {
  it('turns them into bilingual issues, none for a clean record', () => {
    expect(cleaningIssues({ code_rc: 'RC-1' })).toEqual([])
    const issues = cleaningIssues(cleanRecord({ note: 'a\u0000', x: JSON.parse(deepJson(300)) }))
    expect(issues.map((i) => i.code)).toEqual(['TEXT_CLEANED', 'JSON_TOO_DEEP'])
    expect(issues[0]).toMatchObject({ field: 'note', message: { fr: expect.any(String), en: expect.any(String) } })
  })
})

describe('content hashes of hostile records', () => {
  it('hash JSON nested 5,000 levels deep without overflowing the stack', () => {
    expect(contentHash(JSON.parse(deepJson(5000)))).toMatch(/^[0-9a-f]{64}$/)
  })

  it('include a __proto__ key (two records differing only there differ)', () => {
    const a = JSON.parse('{"code_rc":"RC-1","__proto__":{"x":1}}') as unknown
    const b = JSON.parse('{"code_rc":"RC-1","__proto__":{"x":2}}') as unknown
    expect(contentHash(a)).not.toBe(contentHash(b))
    expect(canonicalJson(a)).toBe('{"__proto__":{"x":1},"code_rc":"RC-1"}')
  })
})
