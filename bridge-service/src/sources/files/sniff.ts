/**
 * Recognises a file from its first bytes, never from its name or Content-Type: a DHIS2 Route drops the
 * Content-Type (shared/ARCHITECTURE.md), and partners rename files freely (`rapport.xlsx` that is a CSV).
 * XLSX is a zip (`PK\x03\x04`); everything else that looks like text is read as CSV. Formats we cannot
 * read are named, so that the 4xx answer tells the partner what to do.
 */

/** Bytes needed for a reliable answer (the ODS check looks at the zip's first entry name). */
export const SNIFF_BYTES = 128

export type Sniffed =
  | { kind: 'xlsx' }
  | { kind: 'text' }
  | { kind: 'unsupported'; format: 'xls' | 'ods' | 'zip' | 'pdf' | 'binary'; message: string }

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0): boolean =>
  bytes.every((b, i) => head[at + i] === b)

const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04]
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06]
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const PDF = [0x25, 0x50, 0x44, 0x46] // %PDF
const UTF16_LE = [0xff, 0xfe]
const UTF16_BE = [0xfe, 0xff]

export function sniff(head: Uint8Array): Sniffed {
  if (startsWith(head, ZIP_LOCAL)) {
    // An OpenDocument file stores an uncompressed `mimetype` entry first (ODF 1.2 §3.3).
    const firstEntry = Buffer.from(head.subarray(30, Math.min(head.length, 120))).toString('latin1')
    if (firstEntry.startsWith('mimetype') && firstEntry.includes('opendocument'))
      return unsupported('ods', 'an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV')
    return { kind: 'xlsx' }
  }
  if (startsWith(head, ZIP_EMPTY)) return unsupported('zip', 'an empty zip archive, not a spreadsheet')
  if (startsWith(head, OLE2))
    return unsupported('xls', 'an old Excel 97-2003 file (.xls): save it as .xlsx (Excel Workbook) or CSV')
  if (startsWith(head, PDF)) return unsupported('pdf', 'a PDF document, not a spreadsheet')
  // UTF-16 text (Excel's "Unicode text" export) has NUL bytes but is text.
  if (startsWith(head, UTF16_LE) || startsWith(head, UTF16_BE)) return { kind: 'text' }
  if (head.includes(0)) return unsupported('binary', 'a binary file, neither CSV nor XLSX')
  return { kind: 'text' }
}

function unsupported(format: 'xls' | 'ods' | 'zip' | 'pdf' | 'binary', what: string): Sniffed {
  return { kind: 'unsupported', format, message: `The file is ${what}.` }
}
