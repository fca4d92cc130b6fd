/**
 * Peak RSS of the bridge while importing a 1,000,000-row CSV (run: `npx tsx bench/csv-memory.ts`; needs Redis
 * on 127.0.0.1:6379 — db 9 is flushed — and PostgreSQL at RELAIS_TEST_PG_URL; ~140 MB of disk in /tmp).
 *
 * The file: ROWS (1,000,000) rows of the partner CSV, the 1,200 RCs of the demo seed × 834 consecutive
 * months going back from 2026-09 — every row a distinct, well-formed (code_rc, mois) key. Only 2026-09 is
 * open on the stand-in's clock (2026-10-03): the other rows are mapped and quarantined `late` (the point is
 * memory, not DHIS2; 1,200 rows are pushed). One `relais serve` process (API + workers), the file streamed
 * from disk as the upload body. VmHWM / VmRSS of the child are read from /proc/<pid>/status every 100 ms
 * during the upload (until its 202 = every row committed) and PROCESS_SECONDS (60) of mapping after it.
 * Reference in the same run: the child's RSS once ready, before the upload. Target: peak ≤ 300 MB.
 */
import { createReadStream, createWriteStream, readFileSync, statSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { once } from 'node:events'
import { Redis } from 'ioredis'
import { DEMO_BRIDGE_TOKEN, createStandin } from '@relais/dhis2-standin'
import {
  createDatabase,
  csvHeader,
  intakeCommitted,
  csvLine,
  csvSourceConfig,
  rcCodes,
  sleep,
  spawnServe,
  specColumns,
  statusCounts,
  upload,
  type UploadBody,
} from '../tests/faults/support'

const ROWS = Number(process.env.ROWS ?? 1_000_000)
const PROCESS_SECONDS = Number(process.env.PROCESS_SECONDS ?? 60)
const REDIS_URL = 'redis://127.0.0.1:6379/9'
const TARGET_MB = 300

function memoryOf(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 }
}

async function writeCsv(file: string, rcs: string[]): Promise<void> {
  const out = createWriteStream(file)
  const columns = specColumns()
  out.write(`${csvHeader()}\n`)
  let buffer = ''
  for (let i = 0; i < ROWS; i++) {
    const month = 2026 * 12 + 8 - Math.floor(i / rcs.length)
    const mois = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`
    buffer += `${csvLine(rcs[i % rcs.length]!, mois, i, columns)}\n`
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain')
      buffer = ''
    }
  }
  out.end(buffer)
  await once(out, 'finish')
}

async function main(): Promise<void> {
  console.log(`CSV memory bench: ${ROWS.toLocaleString('en')} rows, Node ${process.version}`)
  const standin = createStandin({ seed: 'demo', now: '2026-10-03T09:00:00Z', months: 0 })
  const dhis2 = await standin.listen(0)
  const file = join(tmpdir(), `relais-bench-${ROWS}.csv`)
  await writeCsv(file, rcCodes(standin))
  console.log(`file: ${file}, ${(statSync(file).size / 1e6).toFixed(0)} MB`)
  const db = await createDatabase('relais_bench')
  const redis = new Redis(REDIS_URL)
  await redis.flushdb()
  redis.disconnect()
  const bridge = await spawnServe({
    env: { DHIS2_URL: dhis2, DHIS2_TOKEN: DEMO_BRIDGE_TOKEN, REDIS_URL, DATABASE_URL: db.url },
    config: csvSourceConfig(),
  })
  let failed = true
  let sampler: NodeJS.Timeout | undefined
  try {
    await bridge.ready
    const idle = memoryOf(bridge.pid)
    console.log(`reference: bridge ready, idle RSS ${idle.rss.toFixed(0)} MB (VmHWM ${idle.hwm.toFixed(0)} MB)`)
    let peakRss = 0
    sampler = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, memoryOf(bridge.pid).rss)
      } catch {
        /* exited */
      }
    }, 100)
    const started = Date.now()
    const body = Readable.toWeb(createReadStream(file)) as unknown as UploadBody
    const run = await upload(bridge.url, body, 'big.csv')
    const answered = (Date.now() - started) / 1000
    // The 202 may come before every row is committed (rows: null): the intake is what is measured.
    const rows = await intakeCommitted(db, run.id)
    const uploadSeconds = (Date.now() - started) / 1000
    const afterUpload = memoryOf(bridge.pid)
    console.log(
      `upload: answered after ${answered.toFixed(1)} s; ${rows.toLocaleString('en')} rows committed in ${uploadSeconds.toFixed(1)} s; VmHWM so far ${afterUpload.hwm.toFixed(0)} MB`,
    )
    await sleep(PROCESS_SECONDS * 1000)
    const end = memoryOf(bridge.pid)
    const counts = await statusCounts(db)
    console.log(`after ${PROCESS_SECONDS} s more of mapping/pushing: ${JSON.stringify(counts)}`)
    console.log(
      `peak: VmHWM ${end.hwm.toFixed(0)} MB (sampled VmRSS max ${peakRss.toFixed(0)} MB), ${(end.hwm / idle.rss).toFixed(1)}× the idle RSS`,
    )
    failed = !(end.hwm <= TARGET_MB && rows === ROWS)
    console.log(`peak ${end.hwm.toFixed(0)} MB (target ≤ ${TARGET_MB} MB): ${failed ? 'FAIL' : 'PASS'}`)
  } finally {
    if (sampler) clearInterval(sampler)
    await bridge.stop()
    await standin.close()
    await db.drop()
    unlinkSync(file)
  }
  process.exit(failed ? 1 : 0)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
