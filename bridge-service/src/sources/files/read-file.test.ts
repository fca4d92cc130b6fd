import { Readable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import iconv from 'iconv-lite'
import { UnreadableFileError } from './findings'
import { readAll, readFile } from './read-file'

const HEADER =
  'code_rc;mois;sens_m_moins15;sens_m_15_24;sens_m_25plus;sens_f_moins15;sens_f_15_24;sens_f_25plus;' +
  'preservatifs_m;preservatifs_f;autotest_m;autotest_f;ref_depist_m;ref_depist_f;pdv_recherches;pdv_retrouves;' +
  'tb_presumes_m;tb_presumes_f;tb_suivi_dot;palu_fievre_m;palu_fievre_f;palu_tdr;palu_tdr_pos;palu_cta_24h;' +
  'palu_ref_grave;palu_milda;vad;causeries;rupture;difficultes'

/** A Windows-1252 `;` file of `rows` data rows, produced chunk by chunk: never whole in memory. */
function generatedCsv(rows: number): Readable {
  return Readable.from(
    (function* () {
      yield iconv.encode(`${HEADER}\r\n`, 'win1252')
      const batch = 500
      for (let start = 0; start < rows; start += batch) {
        let text = ''
        for (let i = start; i < Math.min(rows, start + batch); i++) {
          const n = i % 20
          const code = `RC-AQ-${String(i % 100000).padStart(5, '0')}`
          text += `${code};2026-09;${n};${n + 1};${n + 2};${n};${n};${n};150;20;2;5;1;3;4;3;1;0;1;6;5;14;9;9;1;0;22;3;non;Pas de TDR à Ouémé ${i}\r\n`
        }
        yield iconv.encode(text, 'win1252')
      }
      yield iconv.encode(';;;;\r\n;;;;\r\n', 'win1252')
    })(),
  )
}

/** V8's collector, so that what is measured is what is retained, not garbage waiting to be collected. */
function collector(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

describe('readFile', () => {
  it('streams a 200,000-row CSV with bounded memory', async () => {
    const gc = collector()
    gc()
    const started = Date.now()
    const before = process.memoryUsage().heapUsed
    let peak = before
    let count = 0
    let last = ''
    const reading = await readFile(generatedCsv(200_000), 'gros.csv')
    for await (const row of reading.rows) {
      count++
      if (row.findings.length) throw new Error(`unexpected finding on row ${row.rowNumber}`)
      if (count % 25_000 === 0) {
        gc()
        peak = Math.max(peak, process.memoryUsage().heapUsed)
      }
      last = row.cells.difficultes ?? ''
    }
    const growthMb = (peak - before) / 1024 / 1024
    console.log(`200,000 rows in ${Date.now() - started} ms, retained heap growth ${growthMb.toFixed(1)} MB`)
    expect(count).toBe(200_000)
    expect(last).toBe('Pas de TDR à Ouémé 199999')
    expect(reading.summary).toMatchObject({
      rows: 200_000,
      separator: ';',
      encoding: { encoding: 'windows-1252' },
      trailingBlankRows: 2,
    })
    // Held whole, the file is ~25 MB of text and the rows several hundred MB; streamed, a few MB.
    expect(growthMb).toBeLessThan(100)
    // No time limit here: speed is measured by the benches, and CI's load would make a timed test flaky.
  })

  it('takes a Buffer as well as a stream', async () => {
    const { rows } = await readAll(await readFile(Buffer.from('a,b\n1,2\n'), 'x.csv'))
    expect(rows).toEqual([{ rowNumber: 2, cells: { a: '1', b: '2' }, findings: [] }])
  })

  it('reads Excel’s "Unicode text" export (UTF-16LE, tabs)', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('code_rc\tcommune\r\nRC-OU-00007\tOuémé\r\n', 'utf16le'),
    ])
    const { rows, summary } = await readAll(await readFile(bytes, 'export.txt'))
    expect(summary).toMatchObject({ separator: '\t', encoding: { encoding: 'utf-16le', bom: true } })
    expect(rows[0]?.cells).toEqual({ code_rc: 'RC-OU-00007', commune: 'Ouémé' })
  })

  it('warns when the name disagrees with the bytes, and trusts the bytes', async () => {
    const { summary } = await readAll(await readFile(Buffer.from('a;b\n1;2\n'), 'rapport.xlsx'))
    expect(summary.format).toBe('csv')
    expect(summary.findings).toEqual([
      { code: 'extension-mismatch', message: 'The file is named ".xlsx" but is text; read as CSV.' },
    ])
  })

  it.each([
    ['an empty file', Buffer.alloc(0), 'empty-file'],
    ['a BOM alone', Buffer.from([0xef, 0xbb, 0xbf]), 'empty-file'],
    ['an .xls file', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'unsupported-format'],
    ['a binary file', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), 'unsupported-format'],
  ])('refuses %s with a named reason', async (_what, bytes, code) => {
    const attempt = readFile(bytes, 'f.csv').then(readAll)
    await expect(attempt).rejects.toBeInstanceOf(UnreadableFileError)
    await expect(attempt).rejects.toMatchObject({ code })
  })
})
