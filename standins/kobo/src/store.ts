/**
 * The stand-in's data: assets (forms) and their submissions, shaped as kpi returns them
 * (kobo-odk-api.md §A3): group-prefixed keys, every answer a string, unanswered questions absent,
 * `_submission_time` as UTC text without zone, edits in place and hard deletes.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Json, JsonObject } from './mongo'

export interface KoboAssetInput {
  uid: string
  name?: string
  /** Undeployed assets answer 400 on /data/. Default true. */
  deployed?: boolean
}

export interface KoboAsset {
  uid: string
  name: string
  deployed: boolean
  formhubUuid: string
  versionId: string
  dateCreated: string
  /** By `_id`, in insertion order (= `_id` order). */
  submissions: Map<number, JsonObject>
}

/** Answers as a form sends them; undefined, null or '' means unanswered (the key is left out). */
export type Answers = Record<string, string | undefined | null>

export interface AddOptions {
  /** `YYYY-MM-DDTHH:MM:SS` (UTC); default the stand-in clock. Imports may back-date it. */
  submissionTime?: string
  submittedBy?: string | null
}

/** Kobo's `_submission_time` format: `%Y-%m-%dT%H:%M:%S`, UTC, no zone, no fraction. */
export function koboTime(date: Date): string {
  return date.toISOString().slice(0, 19)
}

const hex = (seed: string, length: number) => createHash('sha256').update(seed).digest('hex').slice(0, length)

export class KoboStore {
  readonly assets = new Map<string, KoboAsset>()
  private nextId = 48_211_900

  constructor(
    assets: readonly KoboAssetInput[],
    readonly now: () => Date,
  ) {
    for (const a of assets) this.addAsset(a)
  }

  addAsset(input: KoboAssetInput): KoboAsset {
    const asset: KoboAsset = {
      uid: input.uid,
      name: input.name ?? input.uid,
      deployed: input.deployed ?? true,
      formhubUuid: hex(`formhub:${input.uid}`, 32),
      versionId: `v${hex(`version:${input.uid}`, 21)}`,
      dateCreated: this.now().toISOString(),
      submissions: new Map(),
    }
    this.assets.set(asset.uid, asset)
    return asset
  }

  asset(uid: string): KoboAsset {
    const asset = this.assets.get(uid)
    if (!asset) throw new Error(`No asset ${uid}`)
    return asset
  }

  add(assetUid: string, answers: Answers, options: AddOptions = {}): JsonObject {
    const asset = this.asset(assetUid)
    const uuid = randomUUID()
    const id = this.nextId++
    const doc: JsonObject = { _id: id, 'formhub/uuid': asset.formhubUuid }
    putAnswers(doc, answers)
    Object.assign(doc, {
      __version__: asset.versionId,
      'meta/instanceID': `uuid:${uuid}`,
      'meta/rootUuid': `uuid:${uuid}`,
      _xform_id_string: asset.uid,
      _uuid: uuid,
      _attachments: [],
      _status: 'submitted_via_web',
      _geolocation: [null, null],
      _submission_time: options.submissionTime ?? koboTime(this.now()),
      _validation_status: {},
      _submitted_by: options.submittedBy === undefined ? 'ong_espoir' : options.submittedBy,
    })
    asset.submissions.set(id, doc)
    return structuredClone(doc)
  }

  /**
   * An edit as Kobo makes it: same row, same `_id`, `_submission_time`, `_submitted_by` and
   * `meta/rootUuid`; new `_uuid` and `meta/instanceID`; `meta/deprecatedID` = the replaced instanceID.
   * `changes` values: a string sets the answer, null or '' removes it.
   */
  edit(assetUid: string, id: number, changes: Answers): JsonObject {
    const asset = this.asset(assetUid)
    const doc = asset.submissions.get(id)
    if (!doc) throw new Error(`No submission ${id} in ${assetUid}`)
    const uuid = randomUUID()
    putAnswers(doc, changes)
    doc['meta/deprecatedID'] = doc['meta/instanceID'] as Json
    doc['meta/instanceID'] = `uuid:${uuid}`
    doc._uuid = uuid
    return structuredClone(doc)
  }

  /** Hard delete: no tombstone, the row is gone. */
  delete(assetUid: string, id: number): boolean {
    return this.asset(assetUid).submissions.delete(id)
  }

  list(assetUid: string): JsonObject[] {
    return [...this.asset(assetUid).submissions.values()]
  }
}

function putAnswers(doc: JsonObject, answers: Answers): void {
  for (const [key, value] of Object.entries(answers)) {
    if (value === undefined || value === null || value === '') delete doc[key]
    else doc[key] = value
  }
}
