/**
 * `outbound:` in relais.config.yaml (issue 19 §4): the partners' subscriptions to the bridge's events. As for the
 * sources, a secret is never written in the file: `secretEnv` names the environment variable holding it.
 */
import { z } from 'zod'
import { OUTBOUND_EVENTS } from '../ledger/outbound'

/** An hour: a partner hears of a growing quarantine at most this often per source. */
export const QUARANTINE_ALERT_EVERY_MS = 3600_000

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** https everywhere; plain http only to this machine (a partner's relay on localhost, tests). */
export function acceptableUrl(text: string): boolean {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return false
  }
  if (url.username !== '' || url.password !== '') return false
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))
}

export const outboundSubscriptionSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'must be 2–41 lower-case letters, digits or dashes, e.g. partenaire-fhi'),
    url: z.string().refine(acceptableUrl, 'must be an https:// URL without credentials (http:// only for localhost)'),
    secretEnv: z
      .string()
      .regex(
        /^[A-Z][A-Z0-9_]*$/,
        'must be the NAME of an environment variable (capitals, digits, _), not a secret itself',
      ),
    events: z.array(z.enum(OUTBOUND_EVENTS)).min(1, 'must list at least one event'),
    /** quarantine.growing: alert once a source holds at least this many quarantined records. */
    quarantineThreshold: z.number().int().min(1).optional(),
    enabled: z.boolean().default(true),
  })
  .refine((s) => !s.events.includes('quarantine.growing') || s.quarantineThreshold !== undefined, {
    message: 'subscribes to quarantine.growing: give quarantineThreshold (records in quarantine per source)',
    path: ['quarantineThreshold'],
  })

export const outboundSchema = z
  .array(outboundSubscriptionSchema)
  .default([])
  .superRefine((subscriptions, ctx) => {
    const seen = new Set<string>()
    subscriptions.forEach((s, i) => {
      if (seen.has(s.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${s.name}" is used twice: names must be unique` })
      seen.add(s.name)
    })
  })

export type OutboundSubscription = z.infer<typeof outboundSubscriptionSchema>
