/**
 * The sources' mapping specs: read once from relais.config.yaml's paths, then compiled against the current
 * metadata snapshot — once per source, snapshot, DHIS2 day and leniency, because compiling resolves every
 * code and the expiry of periods depends on the day. A new snapshot (refresh) clears the cache.
 *
 * Two mappers per source may exist:
 * - strict: validates as the bridge's DHIS2 account would be validated WITHOUT F_EDIT_EXPIRED, so that a value
 *   for a period DHIS2 locks comes out as DHIS2's own E7640 conflict — the pipeline turns that into
 *   quarantine(late) even though the bridge's account could bypass the lock (issue §3);
 * - lenient: with F_EDIT_EXPIRED, for sources that allow late data and for a data manager's release.
 */
import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import {
  fieldsUsedBy,
  localTimestamp,
  compileSpec,
  loadSpec,
  MetadataIndex,
  type DataValueRuleUser,
  type LoadedSpec,
  type MappingSpec,
  type Mapper,
  type MetadataSnapshot,
  type SpecError,
} from '@relais/mappings'
import type { RelaisConfig, SourceConfig } from '../../config/relais-config'
import { cleanRecord } from '../intake/clean-text'
import { minimise, SYSTEM_FIELDS } from '../intake/minimise'
import { contentHash } from '../hashing'
import { UnknownSourceError } from '../services'
import { foldedNames, pseudonymise } from '../../sources/pseudonym'

export interface SnapshotRef {
  readonly id: string
  readonly snapshot: MetadataSnapshot
}

/** A spec that no longer compiles against DHIS2's metadata: one finding per compile error. */
export interface DriftFinding {
  readonly source: string
  readonly spec: string
  readonly mapping: string
  readonly code: string
  readonly path: string
  readonly line?: number
  readonly message: { fr: string; en: string }
}

export class SpecCompileError extends Error {
  override readonly name = 'SpecCompileError'
  constructor(
    readonly source: string,
    readonly errors: readonly SpecError[],
  ) {
    super(
      `the mapping spec of source "${source}" does not compile against DHIS2's metadata: ${errors
        .slice(0, 3)
        .map((e) => `${e.path} ${e.message.en}`)
        .join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`,
    )
  }
}

interface LoadedSource {
  readonly config: SourceConfig
  readonly mappingPath: string
  readonly loaded: LoadedSpec
  /** The fields its records keep (minimise.ts), computed on first use. */
  kept?: ReadonlySet<string>
  /** Its spec's `pseudonymise` names, folded (pseudonym.ts). */
  personal?: ReadonlySet<string>
}

/**
 * The bridge's own DHIS2 account as the mapper checks values against it for a source with `allowLateData`:
 * it captures from the root org units and holds F_EDIT_EXPIRED, so a locked period is no error (E7640).
 */
export function lateDataAccount(organisationUnits: MetadataSnapshot['organisationUnits']): DataValueRuleUser {
  return {
    id: 'relaisBridge',
    username: 'relais-bridge',
    captureOrgUnitIds: organisationUnits.filter((o) => o.parent === undefined).map((o) => o.id),
    authorities: ['F_EDIT_EXPIRED'],
    isSuperuser: false,
  }
}

/** DHIS2 server-local date-time (`yyyy-MM-ddTHH:mm:ss`) of an instant in a time zone. */
export function serverLocalNow(now: Date, timeZone: string): string {
  return localTimestamp(now, timeZone).slice(0, 19)
}

export interface SourceIdentity {
  readonly sourceKey: string
  /** The source's own version id (Kobo `meta/instanceID`), when the spec names one and the record has it. */
  readonly version: string | undefined
  readonly contentHash: string
}

export class SpecRegistry {
  private readonly sources = new Map<string, LoadedSource>()
  private readonly mappers = new Map<string, Mapper>()
  private index: { id: string; index: MetadataIndex } | undefined

  constructor(
    config: RelaisConfig & { baseDir?: string },
    private readonly clock: { now: () => Date; timeZone: string },
    /** RELAIS_PSEUDONYM_KEY: required as soon as a spec names fields to pseudonymise. */
    private readonly pseudonymKey?: string,
  ) {
    for (const source of config.sources) {
      if (!source.enabled) continue
      const mappingPath = isAbsolute(source.mapping) ? source.mapping : resolve(config.baseDir ?? '.', source.mapping)
      let text: string
      try {
        text = readFileSync(mappingPath, 'utf8')
      } catch {
        throw new Error(`source "${source.name}": cannot read its mapping spec ${mappingPath}`)
      }
      const loaded = loadSpec(text)
      if (!loaded.ok)
        throw new Error(
          `source "${source.name}": the mapping spec ${mappingPath} is not valid: ${loaded.errors[0]?.message.en ?? ''}`,
        )
      if (loaded.spec.pseudonymise.length > 0 && !pseudonymKey)
        throw new Error(
          `source "${source.name}": its mapping spec pseudonymises ${loaded.spec.pseudonymise.join(', ')} but no pseudonym key was given (RELAIS_PSEUDONYM_KEY)`,
        )
      this.sources.set(source.name, { config: source, mappingPath, loaded })
    }
  }

  /**
   * The raw payload as the ledger may keep it: text cleaned (clean-text.ts), the spec's `pseudonymise` fields replaced by keyed-hash
   * pseudonyms. Every way into the ledger (file rows, Kobo submissions, webhook records, a released correction)
   * passes here first; idempotent.
   */
  protect(name: string, received: unknown): unknown {
    // Cleaning first: nothing after it (pseudonyms, hashing, the ledger) may see a NUL or a 5,000-deep tree.
    const entry = this.get(name)
    entry.personal ??= foldedNames(entry.loaded.spec.pseudonymise)
    const raw = minimise(cleanRecord(received), this.keptFields(name), entry.personal)
    const fields = this.spec(name).pseudonymise
    return fields.length === 0 ? raw : pseudonymise(raw, fields, this.pseudonymKey ?? '')
  }

  /** The fields of a source's records the ledger keeps (minimise.ts), computed once per source. */
  private keptFields(name: string): ReadonlySet<string> {
    const entry = this.get(name)
    entry.kept ??= new Set([...fieldsUsedBy(entry.loaded.spec), ...(SYSTEM_FIELDS[entry.config.kind] ?? [])])
    return entry.kept
  }

  names(): string[] {
    return [...this.sources.keys()]
  }

  /** The source's configuration; UnknownSourceError when relais.config.yaml does not have it (or disables it). */
  source(name: string): SourceConfig {
    return this.get(name).config
  }

  spec(name: string): MappingSpec {
    return this.get(name).loaded.spec
  }

  /** The data set codes (or UIDs) the specs write to: what the metadata snapshot must cover. */
  dataSetCodes(): string[] {
    return [...new Set([...this.sources.values()].map((s) => s.loaded.spec.target.dataSet))]
  }

  /**
   * A record's identity from its raw payload, read with the spec's `identity` fields as the mapper reads
   * them (trimmed text). A record without any key value gets one from its content, so that two unrelated
   * key-less rows never pass for versions of each other.
   */
  identify(name: string, raw: unknown): SourceIdentity {
    const spec = this.spec(name)
    const hash = contentHash(raw)
    const fields =
      raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {}
    const read = (field: string): string | undefined => {
      const value = Object.prototype.hasOwnProperty.call(fields, field) ? fields[field] : undefined
      if (value === undefined || value === null) return undefined
      const text = typeof value === 'string' ? value.trim() : typeof value === 'object' ? '' : String(value)
      return text === '' ? undefined : text
    }
    const parts = spec.identity.key.map(read)
    const sourceKey = parts.every((p) => p === undefined)
      ? `#${hash.slice(0, 24)}`
      : parts.map((p) => p ?? '').join('|')
    const version = spec.identity.version === undefined ? undefined : read(spec.identity.version)
    return { sourceKey, version, contentHash: hash }
  }

  /** The compiled mapper of a source for this snapshot and today (cached); throws SpecCompileError on drift. */
  mapperFor(name: string, snapshot: SnapshotRef, lenient: boolean): Mapper {
    const source = this.get(name)
    const now = serverLocalNow(this.clock.now(), this.clock.timeZone)
    const key = JSON.stringify([name, snapshot.id, now.slice(0, 10), lenient])
    const cached = this.mappers.get(key)
    if (cached) return cached
    const index = this.indexOf(snapshot)
    const result = compileSpec(source.loaded, index, {
      now,
      ...(lenient ? { user: lateDataAccount(snapshot.snapshot.organisationUnits) } : {}),
    })
    if (!result.ok) throw new SpecCompileError(name, result.errors)
    this.mappers.set(key, result.mapper)
    return result.mapper
  }

  /** Every spec's compile errors against a snapshot: the drift findings of a metadata refresh. */
  drift(snapshot: SnapshotRef): DriftFinding[] {
    const index = this.indexOf(snapshot)
    const now = serverLocalNow(this.clock.now(), this.clock.timeZone)
    const findings: DriftFinding[] = []
    for (const [name, source] of this.sources) {
      const result = compileSpec(source.loaded, index, { now })
      if (result.ok) continue
      for (const error of result.errors)
        findings.push({
          source: name,
          spec: source.loaded.spec.id,
          mapping: source.mappingPath,
          code: error.code,
          path: error.path,
          ...(error.line !== undefined ? { line: error.line } : {}),
          message: error.message,
        })
    }
    return findings
  }

  /** Forget compiled mappers (a new snapshot arrived). */
  clear(): void {
    this.mappers.clear()
    this.index = undefined
  }

  private indexOf(snapshot: SnapshotRef): MetadataIndex {
    if (this.index?.id !== snapshot.id) {
      this.mappers.clear()
      this.index = { id: snapshot.id, index: new MetadataIndex(snapshot.snapshot) }
    }
    return this.index.index
  }

  private get(name: string): LoadedSource {
    const source = this.sources.get(name)
    if (!source) throw new UnknownSourceError(name)
    return source
  }
}
