import { isPseudonym, pseudonym, pseudonymise } from './pseudonym'

const KEY = 'pseudonym-key-test-0123456789abcdef0123456789'

describe('pseudonyms of personal identifiers', () => {
  it('gives one identifier one pseudonym under one key, another under another key, and never the identifier', () => {
    const a = pseudonym(KEY, 'BJ-VIH-004217')
    expect(a).toMatch(/^ps_[0-9a-f]{32}$/)
    expect(pseudonym(KEY, ' BJ-VIH-004217 ')).toBe(a)
    expect(pseudonym(KEY, 'BJ-VIH-004218')).not.toBe(a)
    expect(pseudonym(`${KEY}-other`, 'BJ-VIH-004217')).not.toBe(a)
    expect(a).not.toContain('004217')
  })

  it('replaces only the named fields, keeps blanks, and is idempotent', () => {
    const raw = { id_patient: 'BJ-VIH-004217', telephone: 97000000, code_rc: 'RC-AQ-00001', note: '' }
    const once = pseudonymise(raw, ['id_patient', 'telephone', 'note', 'absent'], KEY) as Record<string, unknown>
    expect(once).toEqual({
      id_patient: pseudonym(KEY, 'BJ-VIH-004217'),
      telephone: pseudonym(KEY, '97000000'),
      code_rc: 'RC-AQ-00001',
      note: '',
    })
    expect(raw.id_patient).toBe('BJ-VIH-004217') // the input is not changed
    expect(pseudonymise(once, ['id_patient', 'telephone'], KEY)).toEqual(once)
    expect(isPseudonym(once.id_patient as string)).toBe(true)
  })

  it('matches field names whatever their case, accents and spaces (issue 11 §4)', () => {
    const raw = { Téléphone: '97000000', 'ID Patient': 'BJ-VIH-004217', TELEPHONE_2: '1', code_rc: 'RC-AQ-00001' }
    const once = pseudonymise(raw, ['telephone', 'id_patient', 'idpatient'], KEY) as Record<string, unknown>
    expect(once).toEqual({
      Téléphone: pseudonym(KEY, '97000000'),
      'ID Patient': pseudonym(KEY, 'BJ-VIH-004217'),
      TELEPHONE_2: '1',
      code_rc: 'RC-AQ-00001',
    })
  })

  it('leaves non-object payloads and empty field lists as they are', () => {
    expect(pseudonymise('text', ['a'], KEY)).toBe('text')
    const raw = { a: '1' }
    expect(pseudonymise(raw, [], KEY)).toBe(raw)
  })
})
