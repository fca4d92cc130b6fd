/**
 * `relais outbound [list] [--status S] [--subscription NAME] [--page N] [--page-size N] [--json]` — the signed
 * webhooks sent to partners (issue 19 §4), newest first: to whom, how it went, when it is tried again.
 * `relais outbound retry <id> [--json]` — a failed delivery sent again from a new round of attempts, by the same
 * function as the API's retry (outbound/retry.ts: new round, enqueued, audited); a running `relais serve` (or
 * `--workers-only`) sends it. The actor is the OS user as `cli:<user>`.
 *
 * The list reads the ledger only (no Redis). The retry enqueues on Redis, with an Outbound of its own over the
 * context's ledger rather than the whole pipeline: it needs the queue, not DHIS2's clock nor the stage queues.
 */
import { OUTBOUND_STATUSES, outboundLedger, type OutboundDelivery, type OutboundStatus } from '../ledger/outbound'
import { expectPositionals, parseCli, UsageError, pageOptions, type CliIo } from './args'
import { lazy } from './lazy'
import { loadSettings } from './settings'
import { formatTime, plural, table, toJson } from './table'
import { outboundDto } from '../api/routes/outbound'

export const OUTBOUND_USAGE = `Usage: relais outbound [list] [--status S] [--subscription NAME] [--page N] [--page-size N] [--json]
       relais outbound retry <id> [--json]

  --status S            ${OUTBOUND_STATUSES.join(', ')}
  --subscription NAME   one subscription of relais.config.yaml \`outbound:\`
  retry <id>            send a failed delivery again, from a new round of attempts (a running \`relais serve\` sends it)`

const isStatus = (text: string): text is OutboundStatus => (OUTBOUND_STATUSES as readonly string[]).includes(text)

/** "HTTP 503: …", "no answer: timeout", "" — the partner's last answer in one cell. */
export function lastAnswer(d: Pick<OutboundDelivery, 'lastStatus' | 'lastError'>): string {
  const status = d.lastStatus === null ? '' : `HTTP ${d.lastStatus}`
  // The error of a refusal often starts with the status itself ("HTTP 400"): not said twice.
  if (!d.lastError || d.lastError === status) return status
  return status && !d.lastError.startsWith(`${status} `) ? `${status}: ${d.lastError}` : d.lastError
}

export async function runOutboundCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  const { values, positionals } = parseCli(argv, {
    status: { type: 'string' },
    subscription: { type: 'string' },
    page: { type: 'string' },
    'page-size': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) {
    io.out(OUTBOUND_USAGE)
    return 0
  }
  const [action = 'list', ...rest] = positionals
  if (action === 'retry') {
    expectPositionals(rest, 1, 'relais outbound retry <id>')
    for (const option of ['status', 'subscription', 'page', 'page-size'] as const)
      if (values[option] !== undefined) throw new UsageError(`--${option} is for the list, not for retry`)
    return retry(rest[0]!, values.json, io, env)
  }
  if (action !== 'list') throw new UsageError(`unknown action "${action}" — usage: relais outbound [list|retry <id>]`)
  expectPositionals(rest, 0, 'relais outbound list')
  if (values.status !== undefined && !isStatus(values.status))
    throw new UsageError(`--status must be one of ${OUTBOUND_STATUSES.join(', ')} (got "${values.status}")`)
  const { page, pageSize } = pageOptions(values)

  const settings = loadSettings(env)
  const { openContext } = lazy<typeof import('./context')>('./context')
  const ctx = await openContext(env, settings)
  try {
    const filter = {
      ...(values.status !== undefined ? { status: values.status as OutboundStatus } : {}),
      ...(values.subscription !== undefined ? { subscription: values.subscription } : {}),
    }
    const list = await outboundLedger(ctx.db).search(filter, { page, pageSize })
    if (values.json) {
      io.out(toJson({ items: list.items.map(outboundDto), pager: list.pager }))
      return 0
    }
    if (list.pager.total === 0) {
      const subscribed = ctx.config.outbound?.length ?? 0
      io.out(
        subscribed === 0
          ? 'No outbound delivery: no partner is subscribed (`outbound:` in relais.config.yaml).'
          : `No outbound delivery${values.status ? ` ${values.status}` : ''} yet.`,
      )
      return 0
    }
    io.out(
      table(list.items, [
        { header: 'id', value: (d) => d.id },
        { header: 'subscription', value: (d) => d.subscription },
        { header: 'event', value: (d) => d.event },
        { header: 'status', value: (d) => d.status },
        // The ledger counts rounds from 0 (the first, automatic one); people count from 1.
        { header: 'attempts', value: (d) => `${d.attempts} (round ${d.round + 1})`, align: 'right' },
        { header: 'last answer', value: lastAnswer, maxWidth: 60 },
        { header: 'next attempt', value: (d) => formatTime(d.nextAttemptAt) },
        { header: 'created', value: (d) => formatTime(d.createdAt) },
        { header: 'delivered', value: (d) => formatTime(d.deliveredAt) },
      ]),
    )
    const { pager } = list
    io.out('')
    io.out(
      `${plural(pager.total, 'delivery', 'deliveries')} (page ${pager.page} of ${pager.pageCount}). Send a failed one again: \`relais outbound retry <id>\`.`,
    )
    return 0
  } finally {
    await ctx.close()
  }
}

async function retry(id: string, json: boolean, io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const settings = loadSettings(env)
  const { openContext } = lazy<typeof import('./context')>('./context')
  const { Outbound, OutboundRetryError } = lazy<typeof import('../outbound/outbound')>('../outbound/outbound')
  const { retryByHand } = lazy<typeof import('../outbound/retry')>('../outbound/retry')
  const ctx = await openContext(env, settings)
  const subscriptions = ctx.config.outbound ?? []
  // As the pipeline does: no subscription, no Outbound — and the retry finds nothing, as the API's 404.
  const outbound =
    subscriptions.length === 0
      ? undefined
      : new Outbound({ db: ctx.db, redis: { url: ctx.env.redisUrl }, subscriptions, logger: ctx.logger, env })
  try {
    const retried = await retryByHand({ outbound, audit: ctx.repos.audit }, id, ctx.actor)
    if (json) io.out(toJson({ ...outboundDto(retried), actor: ctx.actor.name }))
    else
      io.out(
        `Outbound delivery ${id} (${retried.event} to ${retried.subscription}) retried by ${ctx.actor.name}: round ${retried.round + 1}, queued (a running \`relais serve\` sends it).`,
      )
    return 0
  } catch (error) {
    if (error instanceof OutboundRetryError) {
      const hint =
        error.code === 'not-found' && !outbound ? ' No partner is subscribed (`outbound:` in relais.config.yaml).' : ''
      io.err(`relais outbound retry: ${error.message}${hint}`)
      return 1
    }
    throw error
  } finally {
    try {
      await outbound?.stop()
    } finally {
      await ctx.close()
    }
  }
}
