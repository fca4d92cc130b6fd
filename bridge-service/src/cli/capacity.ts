/**
 * `relais capacity [--json] [--locale fr|en]` (issue 17 §3): the ledger's size per table and its growth per month,
 * the programme's values in DHIS2 per month, Redis's memory, the disk's headroom, where the ledger will be in 12
 * and 24 months and when the disk fills — with a warning when that is within six months — and what 1,000, 20,000
 * and 100,000 RC would need, from what one RC's month costs here.
 */
import { capacityReport } from '../capacity/capacity-report'
import { formatBytes } from '../capacity/projection'
import { parseCli, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { openContext } from './context'

export const CAPACITY_USAGE = `Usage: relais capacity [--json] [--locale fr|en]
  the ledger per table and per month, DHIS2's values per month, Redis, the disk, and the 12/24-month projection`

export { SIZING_RC } from '../capacity/capacity-report'

export async function runCapacityCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseCli(argv, {
    json: { type: 'boolean' },
    ...LOCALE_OPTION,
    help: { type: 'boolean' },
  })
  if (values.help) {
    io.out(CAPACITY_USAGE)
    return 0
  }
  const fr = localeOf(values) === 'fr'
  const ctx = await openContext(env)
  try {
    const {
      today,
      ledger,
      dhis2Values,
      redisBytes,
      disk,
      projection,
      sizing: sizes,
    } = await capacityReport({
      db: ctx.db,
      dhis2: ctx.dhis2,
      redisUrl: ctx.env.redisUrl,
      dataDir: ctx.env.dataDir,
    })
    const perRc = projection.bytesPerRcMonth
    if (values.json) {
      // The last backup is the API's (GET /api/v1/operations/capacity); this output stays as it was.
      io.out(JSON.stringify({ today, ledger, dhis2Values, redisBytes, disk, projection, sizing: sizes }))
      return 0
    }
    io.out(fr ? `Capacité au ${today}` : `Capacity on ${today}`)
    io.out(`${fr ? 'Registre' : 'Ledger'}: ${formatBytes(ledger.ledgerBytes)}`)
    for (const t of ledger.tables.filter((x) => x.rows > 0 || x.bytes > 65_536))
      io.out(
        `  ${t.name.padEnd(24)} ${String(t.rows).padStart(10)} ${fr ? 'ligne(s)' : 'row(s)'}  ${formatBytes(t.bytes).padStart(10)}`,
      )
    io.out(fr ? 'Croissance par mois (enregistrements, octets) :' : 'Growth per month (records, bytes):')
    for (const g of ledger.growth.slice(-12))
      io.out(`  ${g.month}  ${String(g.records).padStart(8)}  ${formatBytes(g.bytes).padStart(10)}`)
    io.out(
      dhis2Values
        ? `${fr ? 'Valeurs du programme dans DHIS2 par mois' : "The programme's values in DHIS2 per month"}: ${dhis2Values.map((v) => `${v.period} ${v.values}`).join(', ') || '—'}`
        : fr
          ? 'Valeurs dans DHIS2 : indisponibles (tables d’analyse pas encore générées ?)'
          : 'Values in DHIS2: unavailable (analytics tables not generated yet?)',
    )
    io.out(`Redis: ${redisBytes === undefined ? (fr ? 'injoignable' : 'unreachable') : formatBytes(redisBytes)}`)
    if (disk)
      io.out(
        `${fr ? 'Disque' : 'Disk'} (${disk.path}): ${formatBytes(disk.freeBytes)} ${fr ? 'libres sur' : 'free of'} ${formatBytes(disk.sizeBytes)}`,
      )
    io.out(
      fr
        ? `Projection : +${formatBytes(projection.bytesPerMonth)} et ${projection.recordsPerMonth} enregistrement(s) par mois → ${formatBytes(projection.in12Months)} dans 12 mois, ${formatBytes(projection.in24Months)} dans 24 mois` +
            (projection.diskFullOn ? ` ; disque plein vers le ${projection.diskFullOn}` : '')
        : `Projection: +${formatBytes(projection.bytesPerMonth)} and ${projection.recordsPerMonth} record(s) a month → ${formatBytes(projection.in12Months)} in 12 months, ${formatBytes(projection.in24Months)} in 24` +
            (projection.diskFullOn ? `; disk full around ${projection.diskFullOn}` : ''),
    )
    if (projection.warning)
      io.out(`${fr ? 'ATTENTION' : 'WARNING'}: ${fr ? projection.warning.fr : projection.warning.en}`)
    if (perRc) {
      io.out(
        fr
          ? `Dimensionnement (${formatBytes(perRc)} par RC et par mois ici, ${ledger.activeRc} RC le mois dernier) :`
          : `Sizing (${formatBytes(perRc)} per RC and month here, ${ledger.activeRc} RC last month):`,
      )
      for (const s of sizes)
        io.out(
          `  ${String(s.rc).padStart(7)} RC: ${formatBytes(s.months12)} ${fr ? 'par an' : 'a year'}, ${formatBytes(s.months24)} ${fr ? 'en deux ans' : 'in two years'}`,
        )
    }
    return 0
  } finally {
    await ctx.close()
  }
}
