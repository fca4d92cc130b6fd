import iconv from 'iconv-lite'
import { AutoDecoder, isValidUtf8 } from './decode'

function decodeIn(chunks: Uint8Array[]): { text: string; report: ReturnType<AutoDecoder['report']> } {
  const decoder = new AutoDecoder()
  let text = ''
  for (const chunk of chunks) text += decoder.write(chunk)
  text += decoder.end()
  return { text, report: decoder.report() }
}

/** Every way of cutting the bytes in two, to prove chunk boundaries never matter. */
function everySplit(bytes: Buffer): Uint8Array[][] {
  return Array.from({ length: bytes.length + 1 }, (_, i) => [bytes.subarray(0, i), bytes.subarray(i)])
}

describe('AutoDecoder', () => {
  const text = 'code_rc;commune\nRC-OU-00007;Ouémé\nRC-ZO-00110;Zè-Centre — ok\n'

  it('reads UTF-8 without BOM', () => {
    for (const chunks of everySplit(Buffer.from(text, 'utf8'))) {
      expect(decodeIn(chunks)).toEqual({ text, report: { encoding: 'utf-8', bom: false, replacedSequences: 0 } })
    }
  })

  it('reads UTF-8 with a BOM and drops the BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])
    for (const chunks of everySplit(bytes)) {
      expect(decodeIn(chunks)).toEqual({ text, report: { encoding: 'utf-8', bom: true, replacedSequences: 0 } })
    }
  })

  it('falls back to Windows-1252 when the bytes are not UTF-8', () => {
    const bytes = iconv.encode(text, 'win1252')
    for (const chunks of everySplit(bytes)) {
      expect(decodeIn(chunks)).toEqual({
        text,
        report: { encoding: 'windows-1252', bom: false, replacedSequences: 0 },
      })
    }
  })

  it('decides only at the first non-ASCII byte, however late it comes', () => {
    const ascii = 'a;b\n'.repeat(50_000)
    const bytes = Buffer.concat([Buffer.from(ascii), iconv.encode('Ouémé\n', 'win1252')])
    const chunks = Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, i) =>
      bytes.subarray(i * 4096, (i + 1) * 4096),
    )
    const { text: out, report } = decodeIn(chunks)
    expect(report.encoding).toBe('windows-1252')
    expect(out.endsWith('Ouémé\n')).toBe(true)
  })

  it('calls pure ASCII UTF-8', () => {
    expect(decodeIn([Buffer.from('a;b\n')]).report).toEqual({ encoding: 'utf-8', bom: false, replacedSequences: 0 })
  })

  it('counts invalid sequences met after UTF-8 was chosen', () => {
    const bytes = Buffer.concat([Buffer.from('Ouémé\n', 'utf8'), Buffer.from([0x61, 0xe9, 0x0a])])
    const { text: out, report } = decodeIn([bytes.subarray(0, 8), bytes.subarray(8)])
    expect(report).toEqual({ encoding: 'utf-8', bom: false, replacedSequences: 1 })
    expect(out).toBe('Ouémé\na\uFFFD\n')
  })

  it('reads UTF-16LE with a BOM (Excel "Unicode text")', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\tOuémé\n', 'utf16le')])
    for (const chunks of everySplit(bytes)) {
      expect(decodeIn(chunks)).toEqual({
        text: 'a\tOuémé\n',
        report: { encoding: 'utf-16le', bom: true, replacedSequences: 0 },
      })
    }
  })
})

describe('isValidUtf8', () => {
  it('accepts a sequence cut by the chunk end unless final', () => {
    const e = Buffer.from('é', 'utf8')
    expect(isValidUtf8(e.subarray(0, 1), false)).toBe(true)
    expect(isValidUtf8(e.subarray(0, 1), true)).toBe(false)
    expect(isValidUtf8(Buffer.from([0xe9, 0x6d]))).toBe(false)
  })
})
