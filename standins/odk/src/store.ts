/**
 * The stand-in's data: projects, forms with their field schema, and submissions with their versions,
 * shaped as ODK Central serves them in OData (kobo-odk-api.md §B4): groups as nested objects, every
 * schema field present (null when unanswered), int/decimal typed as numbers, `__id` = the first
 * version's instanceID for ever, `__system` with ms-precision ISO times while the server keeps µs.
 * Edits add a version (updatedAt set, reviewState "edited"); deletes are soft (deletedAt set).
 */
import { randomUUID } from 'node:crypto'
import type { FilterField, ColumnValue } from './filter'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** A form field as `/fields?odata=true` lists it; `structure` is a group. Repeats are not modelled. */
export interface OdkField {
  path: string
  type: 'structure' | 'string' | 'int' | 'decimal' | 'date' | 'dateTime' | 'select1' | 'binary'
}

export interface OdkFormInput {
  xmlFormId: string
  name?: string
  version?: string
  fields: readonly OdkField[]
}

export interface OdkForm extends Required<OdkFormInput> {
  projectId: number
  createdAt: string
  submissions: OdkSubmission[]
}

/** Answers as the XML carries them: by path without the leading slash (`grp/q1`), text values. */
export type Answers = Record<string, string | null | undefined>

export interface OdkVersion {
  instanceId: string
  answers: Answers
  attachments: string[]
}

export interface OdkSubmission {
  /** Internal serial id: Central's tie-break. */
  id: number
  instanceId: string
  /** Microseconds since the epoch, as PostgreSQL keeps `createdAt`. */
  createdAtUs: number
  updatedAtUs: number | null
  deletedAtUs: number | null
  submitterId: number
  reviewState: null | 'hasIssues' | 'edited' | 'rejected' | 'approved'
  deviceId: string | null
  versions: OdkVersion[]
}

export interface AddOptions {
  instanceId?: string
  submitterId?: number
  deviceId?: string | null
  /** File names the submission references (binary fields); they count as received. */
  attachments?: string[]
}

export interface OdkActor {
  id: number
  displayName: string
}

/** ISO UTC with milliseconds, as Central serialises timestamps (µs dropped). */
export const isoFromMicros = (us: number): string => new Date(Math.floor(us / 1000)).toISOString()

export class OdkStore {
  readonly projects = new Map<number, { id: number; name: string; forms: Map<string, OdkForm> }>()
  private nextSubmissionId = 1
  private lastMicros = 0

  constructor(
    readonly now: () => Date,
    readonly actors: Map<number, OdkActor> = new Map(),
  ) {}

  addProject(id: number, name: string): void {
    this.projects.set(id, { id, name, forms: new Map() })
  }

  addForm(projectId: number, input: OdkFormInput): OdkForm {
    const project = this.projects.get(projectId)
    if (!project) throw new Error(`No project ${projectId}`)
    const form: OdkForm = {
      projectId,
      xmlFormId: input.xmlFormId,
      name: input.name ?? input.xmlFormId,
      version: input.version ?? '',
      fields: input.fields,
      createdAt: this.now().toISOString(),
      submissions: [],
    }
    project.forms.set(form.xmlFormId, form)
    return form
  }

  form(projectId: number, xmlFormId: string): OdkForm | undefined {
    return this.projects.get(projectId)?.forms.get(xmlFormId)
  }

  private mustForm(projectId: number, xmlFormId: string): OdkForm {
    const form = this.form(projectId, xmlFormId)
    if (!form) throw new Error(`No form ${xmlFormId} in project ${projectId}`)
    return form
  }

  /**
   * `clock_timestamp()`: microseconds, strictly increasing here, so two submissions in the same
   * millisecond differ only below what JSON shows (kobo-odk-api.md §E6).
   */
  private micros(): number {
    const us = Math.max(this.now().getTime() * 1000, this.lastMicros + 1)
    this.lastMicros = us
    return us
  }

  add(projectId: number, xmlFormId: string, answers: Answers, options: AddOptions = {}): OdkSubmission {
    const form = this.mustForm(projectId, xmlFormId)
    const instanceId = options.instanceId ?? `uuid:${randomUUID()}`
    const submission: OdkSubmission = {
      id: this.nextSubmissionId++,
      instanceId,
      createdAtUs: this.micros(),
      updatedAtUs: null,
      deletedAtUs: null,
      submitterId: options.submitterId ?? 5,
      reviewState: null,
      deviceId: options.deviceId === undefined ? 'collect:Xq0tR7aHbD2kLm9P' : options.deviceId,
      versions: [{ instanceId, answers: { ...answers }, attachments: options.attachments ?? [] }],
    }
    form.submissions.push(submission)
    return submission
  }

  private find(projectId: number, xmlFormId: string, instanceId: string): OdkSubmission {
    const found = this.mustForm(projectId, xmlFormId).submissions.find((s) => s.instanceId === instanceId)
    if (!found) throw new Error(`No submission ${instanceId}`)
    return found
  }

  /** An edit: a new version with a new instanceID; `__id` and submissionDate stay (CQ `createVersion`). */
  edit(projectId: number, xmlFormId: string, instanceId: string, changes: Answers): OdkSubmission {
    const s = this.find(projectId, xmlFormId, instanceId)
    const current = s.versions.at(-1) as OdkVersion
    s.versions.push({
      instanceId: `uuid:${randomUUID()}`,
      answers: { ...current.answers, ...changes },
      attachments: current.attachments,
    })
    s.updatedAtUs = this.micros()
    s.reviewState = 'edited'
    return s
  }

  /** A review-state change also sets updatedAt (cb `lib/util/db.js updater`). */
  review(projectId: number, xmlFormId: string, instanceId: string, state: OdkSubmission['reviewState']): void {
    const s = this.find(projectId, xmlFormId, instanceId)
    s.reviewState = state
    s.updatedAtUs = this.micros()
  }

  /** Soft delete (v2024.3): the row stays, with deletedAt. */
  delete(projectId: number, xmlFormId: string, instanceId: string): void {
    this.find(projectId, xmlFormId, instanceId).deletedAtUs = this.micros()
  }

  restore(projectId: number, xmlFormId: string, instanceId: string): void {
    this.find(projectId, xmlFormId, instanceId).deletedAtUs = null
  }

  /** After 30 days Central purges deleted submissions: gone for good. */
  purge(projectId: number, xmlFormId: string, instanceId: string): void {
    const form = this.mustForm(projectId, xmlFormId)
    form.submissions = form.submissions.filter((s) => s.instanceId !== instanceId)
  }
}

/** The column a `$filter`/`$orderby` field reads (cb `filterableFields`). */
export function column(s: OdkSubmission, field: FilterField): ColumnValue {
  switch (field) {
    case '__id':
      return s.instanceId
    case '__system/submissionDate':
      return s.createdAtUs
    case '__system/updatedAt':
      return s.updatedAtUs
    case '__system/deletedAt':
      return s.deletedAtUs
    case '__system/submitterId':
      return s.submitterId
    case '__system/reviewState':
      return s.reviewState
  }
}

/** One OData row (CD `submissionToOData`): form fields in schema order, then `__id`, then `__system`. */
export function odataRow(form: OdkForm, s: OdkSubmission, actors: Map<number, OdkActor>): JsonObject {
  const current = s.versions.at(-1) as OdkVersion
  const row: JsonObject = {}
  for (const field of form.fields) {
    const parts = field.path.replace(/^\//, '').split('/').map(sanitizeOdataIdentifier)
    let parent = row
    for (const part of parts.slice(0, -1)) parent = parent[part] as JsonObject
    const name = parts.at(-1) as string
    if (field.type === 'structure') {
      parent[name] = {}
      continue
    }
    const raw = current.answers[field.path.replace(/^\//, '')]
    parent[name] = typed(field.type, raw)
  }
  // meta/instanceID is the current version's id, so after an edit it differs from __id.
  row.meta = { ...((row.meta as JsonObject | undefined) ?? {}), instanceID: current.instanceId }
  row.__id = s.instanceId
  const expected = form.fields.filter((f) => f.type === 'binary' && current.answers[f.path.replace(/^\//, '')]).length
  row.__system = {
    submissionDate: isoFromMicros(s.createdAtUs),
    updatedAt: s.updatedAtUs === null ? null : isoFromMicros(s.updatedAtUs),
    deletedAt: s.deletedAtUs === null ? null : isoFromMicros(s.deletedAtUs),
    submitterId: String(s.submitterId),
    submitterName: actors.get(s.submitterId)?.displayName ?? null,
    attachmentsPresent: Math.min(current.attachments.length, expected),
    attachmentsExpected: expected,
    status: null,
    reviewState: s.reviewState,
    deviceId: s.deviceId,
    edits: s.versions.length - 1,
    formVersion: form.version,
  }
  return row
}

function typed(type: OdkField['type'], raw: string | null | undefined): JsonValue {
  if (raw === undefined || raw === null || raw === '') return null
  if (type === 'int') return Number.parseInt(raw, 10)
  if (type === 'decimal') return Number.parseFloat(raw)
  return raw
}

/** cb `lib/util/util.js sanitizeOdataIdentifier`: leading non-letter gets `_`, other characters become `_`. */
export function sanitizeOdataIdentifier(name: string): string {
  return name.replace(/^([^a-z])/i, '_$1').replace(/([^a-z0-9_]+)/gi, '_')
}
