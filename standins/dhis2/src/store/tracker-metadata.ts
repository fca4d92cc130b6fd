/**
 * The tracker metadata the stand-in holds (issue 19 §3): programs, program stages, option sets and options, in
 * the JSON shape of DHIS2's metadata API (`/api/programs`…). Kept beside the aggregate snapshot rather than in
 * it: the mappings' `MetadataSnapshot` is the aggregate programme only. Tracker data elements are ordinary data
 * elements (`domainType: TRACKER`) and live with the others, as in DHIS2.
 */
import type { IdentifiableObject, Ref, Sharing } from '@relais/mappings'

export interface ProgramRecord extends IdentifiableObject {
  shortName: string
  description?: string
  programType: 'WITHOUT_REGISTRATION' | 'WITH_REGISTRATION'
  programStages: Ref[]
  organisationUnits: Ref[]
  categoryCombo: Ref
  expiryDays?: number
  expiryPeriodType?: string
  completeEventsExpiryDays?: number
  sharing?: Sharing
}

export interface ProgramStageDataElementRecord {
  id?: string
  dataElement: Ref
  compulsory: boolean
  allowProvidedElsewhere?: boolean
  displayInReports?: boolean
  sortOrder?: number
}

export interface ProgramStageRecord extends IdentifiableObject {
  program?: Ref
  repeatable?: boolean
  minDaysFromStart?: number
  sortOrder?: number
  programStageDataElements: ProgramStageDataElementRecord[]
  sharing?: Sharing
}

export interface OptionSetRecord extends IdentifiableObject {
  valueType: string
  options: Ref[]
  sharing?: Sharing
}

export interface OptionRecord extends IdentifiableObject {
  sortOrder?: number
  optionSet?: Ref
}

export interface TrackerMetadata {
  programs: ProgramRecord[]
  programStages: ProgramStageRecord[]
  optionSets: OptionSetRecord[]
  options: OptionRecord[]
}

export const emptyTrackerMetadata = (): TrackerMetadata => ({
  programs: [],
  programStages: [],
  optionSets: [],
  options: [],
})

/** Look-ups over a state's tracker metadata, built per request (a few objects: no cache to keep in step). */
export class TrackerIndex {
  readonly programs: Map<string, ProgramRecord>
  readonly programStages: Map<string, ProgramStageRecord>
  readonly optionSets: Map<string, OptionSetRecord>
  /** Option set id → the codes of its options. */
  readonly optionCodes = new Map<string, Set<string>>()

  constructor(tracker: TrackerMetadata | undefined) {
    const t = tracker ?? emptyTrackerMetadata()
    this.programs = new Map(t.programs.map((p) => [p.id, p]))
    this.programStages = new Map(t.programStages.map((s) => [s.id, s]))
    this.optionSets = new Map(t.optionSets.map((s) => [s.id, s]))
    const options = new Map(t.options.map((o) => [o.id, o]))
    for (const set of t.optionSets) {
      const codes = new Set<string>()
      for (const ref of set.options) {
        const code = options.get(ref.id)?.code
        if (code !== undefined) codes.add(code)
      }
      // An option that names its set but is missing from the set's list still belongs to it (the owning side).
      for (const o of t.options) if (o.optionSet?.id === set.id && o.code !== undefined) codes.add(o.code)
      this.optionCodes.set(set.id, codes)
    }
  }

  /** The program a stage belongs to: its own `program`, else the program that lists it. */
  programOfStage(stageId: string): ProgramRecord | undefined {
    const own = this.programStages.get(stageId)?.program?.id
    if (own) return this.programs.get(own)
    for (const p of this.programs.values()) if (p.programStages.some((s) => s.id === stageId)) return p
    return undefined
  }
}
