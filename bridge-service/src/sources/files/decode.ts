/**
 * Bytes → text for CSV files: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), and
 * otherwise Windows-1252, the encoding of "CSV (séparateur: point-virgule)" saved by French Excel.
 *
 * The choice is made lazily and streamed: while the bytes are ASCII both readings agree, so nothing is
 * decided (or buffered) until the first non-ASCII byte. Then the rest of that chunk is checked: valid
 * UTF-8 → UTF-8, else Windows-1252 (a Windows-1252 "é" is a lone 0xE9, never valid UTF-8 when followed by
 * a letter). Once UTF-8 is chosen, a later invalid sequence is decoded as U+FFFD and counted, and the cell
 * that holds it is flagged (cells.ts) — the file is not re-read.
 */
import { TextDecoder } from 'node:util'
import iconv from 'iconv-lite'

export type TextEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be'

export interface DecodeReport {
  encoding: TextEncoding
  bom: boolean
  /** Invalid UTF-8 sequences replaced by U+FFFD after UTF-8 was chosen. */
  replacedSequences: number
}

type Mode = 'start' | 'ascii' | TextEncoding

const UTF8_BOM = [0xef, 0xbb, 0xbf]

export class AutoDecoder {
  private mode: Mode = 'start'
  private bom = false
  private pending: Buffer = Buffer.alloc(0)
  private utf8: TextDecoder | undefined
  private utf16: iconv.DecoderStream | undefined
  private replaced = 0

  write(chunk: Uint8Array): string {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (this.mode === 'start') {
      bytes = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes
      // A BOM needs up to 3 bytes; a tiny first chunk waits for the next one.
      if (bytes.length < 3 && isBomPrefix(bytes)) {
        this.pending = bytes
        return ''
      }
      this.pending = Buffer.alloc(0)
      bytes = this.readBom(bytes)
    }
    return this.decode(bytes, false)
  }

  end(): string {
    let out = ''
    if (this.mode === 'start') {
      const rest = this.readBom(this.pending)
      this.pending = Buffer.alloc(0)
      out = this.decode(rest, true)
    } else if (this.mode === 'ascii' && this.pending.length) out = this.decode(Buffer.alloc(0), true)
    if (this.utf8) out += this.countReplaced(this.utf8.decode())
    if (this.utf16) out += this.utf16.end() ?? ''
    return out
  }

  report(): DecodeReport {
    const encoding: TextEncoding = this.mode === 'start' || this.mode === 'ascii' ? 'utf-8' : this.mode
    return { encoding, bom: this.bom, replacedSequences: this.replaced }
  }

  private readBom(bytes: Buffer): Buffer {
    if (startsWith(bytes, UTF8_BOM)) {
      this.bom = true
      this.useUtf8()
      return bytes.subarray(3)
    }
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return this.useUtf16('utf-16le', bytes.subarray(2))
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return this.useUtf16('utf-16be', bytes.subarray(2))
    this.mode = 'ascii'
    return bytes
  }

  private decode(bytes: Buffer, final: boolean): string {
    switch (this.mode) {
      case 'utf-8':
        return this.countReplaced(this.utf8?.decode(bytes, { stream: true }) ?? '')
      case 'windows-1252':
        return iconv.decode(bytes, 'win1252')
      case 'utf-16le':
      case 'utf-16be':
        return this.utf16?.write(bytes) ?? ''
      default: {
        if (this.pending.length) {
          bytes = Buffer.concat([this.pending, bytes])
          this.pending = Buffer.alloc(0)
        }
        const firstHigh = bytes.findIndex((b) => b >= 0x80)
        if (firstHigh < 0) return bytes.toString('latin1')
        const head = bytes.subarray(0, firstHigh).toString('latin1')
        const tail = bytes.subarray(firstHigh)
        if (isValidUtf8(tail, true)) this.useUtf8()
        else if (!isValidUtf8(tail, false)) this.mode = 'windows-1252'
        else if (tail.length <= 3 && !final) {
          // Only the start of a sequence, cut by the chunk end: no evidence yet, wait for more bytes.
          this.pending = Buffer.from(tail)
          return head
        } else this.useUtf8() // a complete valid sequence came before the cut one
        return head + this.decode(tail, final)
      }
    }
  }

  private useUtf8(): void {
    this.mode = 'utf-8'
    this.utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })
  }

  private useUtf16(encoding: 'utf-16le' | 'utf-16be', rest: Buffer): Buffer {
    this.bom = true
    this.mode = encoding
    this.utf16 = iconv.getDecoder(encoding === 'utf-16le' ? 'utf-16le' : 'utf-16be')
    return rest
  }

  private countReplaced(text: string): string {
    for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) this.replaced++
    return text
  }
}

/** Whether `bytes` are valid UTF-8; a sequence cut by the chunk end counts as valid unless `final`. */
export function isValidUtf8(bytes: Uint8Array, final = true): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !final })
    return true
  } catch {
    return false
  }
}

/** Decodes a byte stream; ask `decoder.report()` what was detected once the stream is consumed. */
export async function* decodeChunks(
  chunks: AsyncIterable<Uint8Array>,
  decoder: AutoDecoder = new AutoDecoder(),
): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    const text = decoder.write(chunk)
    if (text) yield text
  }
  const rest = decoder.end()
  if (rest) yield rest
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b)
}

function isBomPrefix(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true
  if (startsWith(bytes, UTF8_BOM.slice(0, bytes.length))) return true
  return bytes.length === 1 && (bytes[0] === 0xff || bytes[0] === 0xfe)
}
