/**
 * `relais retention run [--dry-run] [--json]` — the raw payloads past their source's `payloadRetentionDays` to the
 * monthly archive (the bridge does it every night at 04:10); `relais retention show <record id>` — a record's
 * archived payload, read back from its file (issue 17 §2; retention/payload-archive.ts). In French unless
 * `--locale en`, as the other operators' commands.
 */
import { userInfo } from 'node:os'
import { loadEnv } from '../config/env'
import { loadRelaisConfig } from '../config/relais-config'
import { openLedger, repositories } from '../ledger'
import { archiveDirOf, archivePayloads, findArchivedPayload } from '../retention/payload-archive'
import { parseCli, UsageError, type CliIo, LOCALE_OPTION, localeOf } from './args'

export const RETENTION_USAGE = `Usage:
  relais retention run [--dry-run] [--json]   raw payloads past their source's payloadRetentionDays (default 180)
                                              to archive/<source>/<YYYY-MM>.jsonl.gz under RELAIS_DATA_DIR
  relais retention show <record id> [--json]  a record's archived payload, read from its archive file
Both print in French unless --locale en.`

export async function runRetentionCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    ...LOCALE_OPTION,
    help: { type: 'boolean' },
  })
  if (values.help) {
    io.out(RETENTION_USAGE)
    return 0
  }
  const [verb, id] = positionals
  const fr = localeOf(values) === 'fr'
  const bridge = loadEnv(env)
  const archiveDir = archiveDirOf(bridge.dataDir)
  if (verb === 'run') {
    const config = loadRelaisConfig(env.RELAIS_CONFIG ?? './relais.config.yaml', env)
    const db = await openLedger({ database: bridge.database, throughRunningBridge: true })
    try {
      const report = await archivePayloads(db, {
        archiveDir,
        policies: config.sources.map((s) => ({ source: s.name, days: s.payloadRetentionDays })),
        dryRun: values['dry-run'] === true,
        actor: `cli:${userInfo().username}`,
      })
      if (values.json) io.out(JSON.stringify(report))
      else
        for (const s of report.sources)
          io.out(
            (fr
              ? `${s.source} : ${s.archived} charge(s) utile(s) ${report.dryRun ? 'à archiver' : 'archivée(s)'} (gardées ${s.days} jours)`
              : `${s.source}: ${s.archived} payload(s) ${report.dryRun ? 'would be archived' : 'archived'} (kept ${s.days} days)`) +
              (s.files.length > 0 ? ` → ${s.files.map((f) => `archive/${f}`).join(', ')}` : ''),
          )
      return 0
    } finally {
      await db.close()
    }
  }
  if (verb === 'show' && id) {
    const db = await openLedger({ database: bridge.database, throughRunningBridge: true })
    try {
      const record = await repositories(db).records.get(id)
      if (!record) {
        io.err(
          fr
            ? `relais retention : aucun enregistrement ${id} dans le registre`
            : `relais retention: no record ${id} in the ledger`,
        )
        return 1
      }
      if (!record.payloadArchive) {
        io.out(
          values.json
            ? JSON.stringify({ id, archived: false, raw: record.raw })
            : fr
              ? `Enregistrement ${id} : sa charge utile est encore dans le registre (relais records ${id}).`
              : `Record ${id}: its payload is still in the ledger (relais records ${id}).`,
        )
        return 0
      }
      // Archive files live beside the ledger, not in it: the administrator copies them with the backups
      // (docker/README.md, "Backups"), which is where a lost or damaged one comes back from.
      const restore = fr
        ? `restaurez archive/${record.payloadArchive} depuis la copie des sauvegardes (backups/archive/ ; docker/README.md, « Backups »)`
        : `restore archive/${record.payloadArchive} from the backups' copy (backups/archive/; docker/README.md, "Backups")`
      let line: Awaited<ReturnType<typeof findArchivedPayload>>
      try {
        line = await findArchivedPayload(archiveDir, record.payloadArchive, id)
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error)
        io.err(
          fr
            ? `relais retention : la charge utile de l'enregistrement ${id} a été archivée dans archive/${record.payloadArchive}, mais ce fichier est introuvable ou illisible (${why}) : ${restore}`
            : `relais retention: the payload of record ${id} was archived in archive/${record.payloadArchive}, but that file is missing or unreadable (${why}): ${restore}`,
        )
        return 1
      }
      if (!line) {
        io.err(
          fr
            ? `relais retention : archive/${record.payloadArchive} ne contient pas la charge utile de l'enregistrement ${id} (fichier remplacé par une copie plus ancienne ?) : ${restore}`
            : `relais retention: archive/${record.payloadArchive} holds no payload of record ${id} (replaced by an older copy?): ${restore}`,
        )
        return 1
      }
      await repositories(db).audit.append({
        actor: `cli:${userInfo().username}`,
        role: 'system',
        action: 'record.view',
        target: `record:${id}`,
        detail: { archive: record.payloadArchive },
      })
      io.out(
        values.json
          ? JSON.stringify({ archived: true, file: record.payloadArchive, ...line })
          : JSON.stringify(line.raw, null, 2),
      )
      return 0
    } finally {
      await db.close()
    }
  }
  throw new UsageError(RETENTION_USAGE)
}
