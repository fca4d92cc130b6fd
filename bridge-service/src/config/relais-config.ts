/**
 * `relais.config.yaml`: the sources the bridge knows, each with its kind, connection, mapping spec and
 * schedule. Secrets are never written in this file: a source names the environment variable that holds
 * each one, and the loader checks that the variable is set. Errors point at the file's line.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { isMap, LineCounter, parseDocument, type Document } from 'yaml'
import { z } from 'zod'
import { Cron } from 'croner'
import { outboundSchema } from './outbound-config'
import { tracingSchema, tracingSecretProblems } from './tracing-config'
import { hmisSchema, hmisSecretProblems } from './hmis-config'

const envName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'must be the NAME of an environment variable (capitals, digits, _), not a secret itself')

/** Webhook secrets: at least this many characters (openssl rand -hex 32 gives 64). */
export const MIN_WEBHOOK_SECRET_LENGTH = 32

const cron = z.string().refine((text) => {
  try {
    new Cron(text, { paused: true })
    return true
  } catch {
    return false
  }
}, 'must be a cron expression, e.g. "*/30 * * * *" (every 30 minutes)')

/** Six months: long enough for a data manager's questions and a quarter's reviews, short for personal data. */
export const DEFAULT_PAYLOAD_RETENTION_DAYS = 180

const common = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'must be 2–41 lower-case letters, digits or dashes, e.g. kobo-ong-espoir'),
  description: z.string().optional(),
  mapping: z.string().min(1, 'must be the path of a mapping spec, e.g. ../mappings/specs/kobo-rapport-rc.yaml'),
  /** Values for periods DHIS2 already locks (expiryDays) are quarantined as late unless this is true. */
  allowLateData: z.boolean().default(false),
  /**
   * Who wins when DHIS2 holds a value a person entered and this source brings another: `people` (the default:
   * the record waits in quarantine, reason overwrite) or `source` (this source is the system of record: its
   * value is written, and the record's history says what it replaced).
   */
  precedence: z.enum(['people', 'source']).default('people'),
  /** Values per dataValueSets request (the body also stays under 10 MB). */
  batchSize: z.number().int().min(1).max(50_000).default(5_000),
  /**
   * Days a record's raw payload stays in the ledger once the record is done (imported, unchanged, discarded,
   * failed); then it moves to a monthly archive file and the record keeps its hashes, status and history.
   */
  payloadRetentionDays: z.number().int().min(1).max(3650).default(DEFAULT_PAYLOAD_RETENTION_DAYS),
  enabled: z.boolean().default(true),
}

const koboSource = z.object({
  ...common,
  kind: z.literal('kobo'),
  url: z.url({ protocol: /^https?$/, error: 'must be the KoboToolbox server URL, e.g. https://kf.kobotoolbox.org' }),
  asset: z.string().min(1, 'must be the form (asset) uid, e.g. aBcD3fGh1JkLmN'),
  tokenEnv: envName,
  schedule: cron.default('*/30 * * * *'),
  /** How often the edit sweep runs (Kobo edits in place and exposes no edit time). */
  sweepSchedule: cron.default('0 2 * * *'),
})

/**
 * An ODK Central form (kobo-odk-api.md Part B). The bridge reads OData, which needs a Web User with
 * `submission.read` (Project Viewer): `emailEnv` + `passwordEnv` (a session, renewed as it expires). `tokenEnv`
 * takes an App User key, which Central refuses for reading (403.1) — accepted so that the refusal is explained
 * when the source runs, not hidden as a config error if Central ever grants it.
 */
const odkSource = z
  .object({
    ...common,
    kind: z.literal('odk'),
    url: z.url({ protocol: /^https?$/, error: 'must be the ODK Central server URL, e.g. https://central.example.org' }),
    projectId: z.number().int().positive(),
    formId: z.string().min(1, 'must be the form id (xmlFormId), e.g. rc_rapport_mensuel'),
    emailEnv: envName.optional(),
    passwordEnv: envName.optional(),
    tokenEnv: envName.optional(),
    schedule: cron.default('*/30 * * * *'),
    /** How often the whole form is read again (restores and anything a time cursor could miss). */
    sweepSchedule: cron.default('0 2 * * *'),
  })
  .refine((s) => (s.emailEnv !== undefined && s.passwordEnv !== undefined) !== (s.tokenEnv !== undefined), {
    message: 'needs either emailEnv and passwordEnv (a Web User) or tokenEnv (an App User key), not both',
    path: ['emailEnv'],
  })

const fileSource = z.object({
  ...common,
  kind: z.enum(['csv', 'xlsx']),
  maxUploadMegabytes: z.number().positive().max(500).default(50),
})

const webhookSource = z.object({
  ...common,
  kind: z.literal('webhook'),
  secretEnv: envName,
})

export const sourceSchema = z.discriminatedUnion('kind', [koboSource, odkSource, fileSource, webhookSource])

/*
 * What a source takes, answered in one place: the API, the pipeline and the scheduler ask these rather than
 * comparing kinds, so a new kind (ODK Central, DHIS2) changes them here only.
 */
export type KoboSourceConfig = Extract<SourceConfig, { kind: 'kobo' }>
export type OdkSourceConfig = Extract<SourceConfig, { kind: 'odk' }>
export type FileSourceConfig = Extract<SourceConfig, { kind: 'csv' | 'xlsx' }>
export type WebhookSourceConfig = Extract<SourceConfig, { kind: 'webhook' }>

/** A source whose input is an uploaded file (CSV or XLSX): each upload is a run, each row a record. */
export function takesFiles(source: SourceConfig): source is FileSourceConfig {
  return isFileKind(source.kind)
}
export function isFileKind(kind: SourceConfig['kind']): kind is FileSourceConfig['kind'] {
  return kind === 'csv' || kind === 'xlsx'
}
/** A source that pushes signed deliveries to the bridge. */
export function takesWebhooks(source: SourceConfig): source is WebhookSourceConfig {
  return source.kind === 'webhook'
}
/** A source the bridge pulls on its schedule (and sweeps for edits). */
export function isPulled(source: SourceConfig): source is KoboSourceConfig | OdkSourceConfig {
  return source.kind === 'kobo' || source.kind === 'odk'
}
export const relaisConfigSchema = z.object({
  sources: z.array(sourceSchema).superRefine((sources, ctx) => {
    const seen = new Set<string>()
    sources.forEach((s, i) => {
      if (seen.has(s.name))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `"${s.name}" is used by two sources: names must be unique`,
        })
      seen.add(s.name)
    })
  }),
  outbound: outboundSchema,
  /** HIV care sites whose lists of patients lost to follow-up the RC trace (issue 19 §3; tracing-config.ts). */
  tracing: tracingSchema,
  /** The national HMIS the programme's zone totals are pushed to (issue 19 §2; hmis-config.ts). */
  hmis: hmisSchema,
})

export type SourceConfig = z.infer<typeof sourceSchema>
export type RelaisConfig = z.infer<typeof relaisConfigSchema>

export class RelaisConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? (problems[0] ?? '') : `${problems[0]} (and ${problems.length - 1} more)`)
  }
}

/** `line:column` of the node at a zod issue path, when the YAML has one there. */
function positionOf(doc: Document, counter: LineCounter, path: PropertyKey[]): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true) as
      { range?: [number, number] } | undefined
    if (node && typeof node === 'object' && node.range) {
      const { line, col } = counter.linePos(node.range[0])
      return `${line}:${col}`
    }
  }
  return '1:1'
}

/** Parses and checks the config text; `env` is used to check each named secret variable is set. */
export function parseRelaisConfig(text: string, file: string, env: NodeJS.ProcessEnv): RelaisConfig {
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false })
  if (doc.errors.length > 0) {
    throw new RelaisConfigError(
      doc.errors.map(
        (e) =>
          `${file}:${e.linePos?.[0]?.line ?? 1}:${e.linePos?.[0]?.col ?? 1} YAML syntax: ${e.message.split('\n')[0]}`,
      ),
    )
  }
  if (!isMap(doc.contents)) throw new RelaisConfigError([`${file}:1:1 must be a mapping with a "sources:" list`])
  const parsed = relaisConfigSchema.safeParse(doc.toJS())
  if (!parsed.success) {
    throw new RelaisConfigError(
      parsed.error.issues.map(
        (issue) =>
          `${file}:${positionOf(doc, counter, issue.path)} ${issue.path.join('.') || 'sources'} ${issue.message}`,
      ),
    )
  }
  const missing: string[] = []
  const secretUsers = new Map<string, string>()
  parsed.data.sources.forEach((source, i) => {
    if (source.kind === 'odk') {
      for (const key of ['emailEnv', 'passwordEnv', 'tokenEnv'] as const) {
        const name = source[key]
        if (name && !env[name]?.trim())
          missing.push(
            `${file}:${positionOf(doc, counter, ['sources', i, key])} source "${source.name}" needs the environment variable ${name}, which is not set`,
          )
      }
      return
    }
    const variable = source.kind === 'kobo' ? source.tokenEnv : source.kind === 'webhook' ? source.secretEnv : undefined
    const key = source.kind === 'kobo' ? 'tokenEnv' : 'secretEnv'
    const where = () => `${file}:${positionOf(doc, counter, ['sources', i, key])}`
    if (variable && !env[variable]?.trim()) {
      missing.push(`${where()} source "${source.name}" needs the environment variable ${variable}, which is not set`)
      return
    }
    if (source.kind !== 'webhook' || !source.enabled) return
    // A short secret can be guessed offline from one signed delivery; a shared one lets one sender sign as
    // another source (issue 11 §10). Never echoed.
    // During a rotation the variable holds `current,next`: each is checked, both are accepted (webhookSecrets).
    for (const secret of webhookSecrets(env[source.secretEnv]!)) {
      if (secret.length < MIN_WEBHOOK_SECRET_LENGTH)
        missing.push(
          `${where()} source "${source.name}": its secret ${source.secretEnv} has ${secret.length} characters; at least ${MIN_WEBHOOK_SECRET_LENGTH} are needed (openssl rand -hex 32)`,
        )
      const other = secretUsers.get(secret)
      if (other !== undefined && other !== source.name)
        missing.push(`${where()} source "${source.name}" has the same secret as source "${other}": give each its own`)
      secretUsers.set(secret, source.name)
    }
  })
  for (const problem of tracingSecretProblems(parsed.data.tracing, env))
    missing.push(`${file}:${positionOf(doc, counter, ['tracing'])} ${problem}`)
  for (const problem of hmisSecretProblems(parsed.data.hmis, env))
    missing.push(`${file}:${positionOf(doc, counter, ['hmis'])} ${problem}`)
  if (missing.length > 0) throw new RelaisConfigError(missing)
  return parsed.data
}

/** A webhook source's secrets: one, or `current,next` while the sender is moved to a new one. */
export function webhookSecrets(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

export function loadRelaisConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): RelaisConfig & { baseDir: string } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new RelaisConfigError([
      `RELAIS_CONFIG: cannot read ${file} — set RELAIS_CONFIG to the path of relais.config.yaml`,
    ])
  }
  return { ...parseRelaisConfig(text, file, env), baseDir: dirname(resolve(file)) }
}
