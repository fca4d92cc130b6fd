/**
 * The live view of a run: a cli-progress bar of settled records (with the counts per status) when stdout is
 * a terminal, plain lines otherwise (CI logs, pipes) — one when the counts change, at most one a second.
 */
import { Presets, SingleBar } from 'cli-progress'
import { RECORD_STATUSES } from '../ledger/record-status'
import type { StatusCounts } from '../ledger/records'
import type { CliIo } from './args'
import { formatDuration } from './table'

/** The record statuses as `relais status --locale fr` prints them (the app's words, dhis2-app/i18n/fr.po). */
const STATUS_FR: Record<(typeof RECORD_STATUSES)[number], string> = {
  received: 'reçus',
  mapped: 'mis en forme',
  imported: 'importés',
  unchanged: 'inchangés',
  quarantined: 'en quarantaine',
  discarded: 'écartés',
  failed: 'en échec',
}

/** `received 3, mapped 1, imported 20` (`reçus 3, …` in French) — the statuses that have records. */
export function countsLine(counts: StatusCounts, fr = false): string {
  const parts = RECORD_STATUSES.filter((s) => counts[s] > 0).map((s) => `${fr ? STATUS_FR[s] : s} ${counts[s]}`)
  if (parts.length === 0) return fr ? 'aucun enregistrement' : 'no records yet'
  return parts.join(', ')
}

export const inFlight = (counts: StatusCounts): number => counts.received + counts.mapped

export interface RunProgress {
  update(counts: StatusCounts, elapsedMs: number): void
  /** A message above the bar (or as its own line). */
  note(text: string): void
  stop(): void
}

export function createProgress(io: CliIo, options: { quiet: boolean; fr?: boolean }): RunProgress {
  const fr = options.fr === true
  if (options.quiet) return { update: () => undefined, note: () => undefined, stop: () => undefined }
  const stream = io.stdout
  if (stream?.isTTY) {
    const bar = new SingleBar(
      {
        format: `{bar} {value}/{total} ${fr ? 'enregistrements traités' : 'records settled'} | {counts} | {elapsed}`,
        stream,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 30,
        etaBuffer: 50,
        fps: 10,
      },
      Presets.shades_classic,
    )
    let started = false
    return {
      update(counts, elapsedMs) {
        const payload = { counts: countsLine(counts, fr), elapsed: formatDuration(elapsedMs, fr) }
        const settled = counts.total - inFlight(counts)
        if (!started) {
          bar.start(Math.max(counts.total, 1), settled, payload)
          started = true
        } else {
          bar.setTotal(Math.max(counts.total, 1))
          bar.update(settled, payload)
        }
      },
      note(text) {
        if (started) bar.stop()
        started = false
        io.err(text)
      },
      stop() {
        if (started) bar.stop()
        started = false
      },
    }
  }
  let last = ''
  let lastAt = -Infinity
  return {
    update(counts, elapsedMs) {
      const line = `${counts.total - inFlight(counts)}/${counts.total} ${fr ? 'enregistrements traités' : 'records settled'} — ${countsLine(counts, fr)}`
      if (line === last || elapsedMs - lastAt < 1000) return
      last = line
      lastAt = elapsedMs
      io.out(`[${formatDuration(elapsedMs, fr).padStart(8)}] ${line}`)
    },
    note: (text) => io.err(text),
    stop: () => undefined,
  }
}
