import { sniff } from './sniff'

const bytes = (...b: number[]) => Uint8Array.from(b)

describe('sniff', () => {
  it('recognises XLSX from the zip signature', () => {
    expect(sniff(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0))).toEqual({ kind: 'xlsx' })
  })

  it('takes text as CSV, whatever it holds', () => {
    expect(sniff(Buffer.from('code_rc;mois\nRC-AQ-00042;2026-09\n'))).toEqual({ kind: 'text' })
    expect(sniff(bytes(0xef, 0xbb, 0xbf, 0x63))).toEqual({ kind: 'text' })
    expect(sniff(Buffer.from('Ou\xe9m\xe9', 'latin1'))).toEqual({ kind: 'text' })
  })

  it('takes UTF-16 text with a BOM as text despite its NUL bytes', () => {
    expect(sniff(Buffer.concat([bytes(0xff, 0xfe), Buffer.from('a\tb', 'utf16le')]))).toEqual({ kind: 'text' })
  })

  it.each([
    ['xls', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0)],
    ['pdf', Buffer.from('%PDF-1.7\n')],
    ['zip', bytes(0x50, 0x4b, 0x05, 0x06, 0, 0)],
    ['binary', bytes(1, 2, 0, 4)],
  ])('names the unsupported format %s', (format, head) => {
    const result = sniff(head)
    expect(result).toMatchObject({ kind: 'unsupported', format })
  })

  it('tells an OpenDocument spreadsheet from an XLSX', () => {
    const head = Buffer.alloc(128)
    head.set([0x50, 0x4b, 0x03, 0x04])
    head.write('mimetypeapplication/vnd.oasis.opendocument.spreadsheet', 30, 'latin1')
    expect(sniff(head)).toMatchObject({ kind: 'unsupported', format: 'ods' })
  })
})
