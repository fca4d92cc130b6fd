/**
 * What the reminders read from DHIS2 at each run (issue 15 §1): the rules in the dataStore, the RC the monthly
 * report is assigned to with their users and supervisors, and which reports are complete. Nothing of it is kept
 * by the bridge: phone numbers and names are read, used and forgotten.
 */
import { z } from 'zod'
import type { Dhis2Client } from '../dhis2'
import type { Person, RcContact } from './plan'
import { RULES_KEY, RULES_NAMESPACE } from './rules'

export const RC_GROUP = 'RELAIS_RC'
export const SUPERVISOR_GROUP = 'RELAIS_SUPERVISEURS'
/** The zone sanitaire's level: the effect is shown per zone (community-program.md, org units). */
const ZONE_LEVEL = 3

const dataSetSchema = z.object({
  dataSets: z.array(
    z.object({
      id: z.string(),
      timelyDays: z.number().optional(),
      organisationUnits: z
        .array(z.object({ id: z.string(), name: z.string().optional(), path: z.string() }))
        .default([]),
    }),
  ),
})

const usersSchema = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      name: z.string().optional(),
      displayName: z.string().optional(),
      phoneNumber: z.string().nullish(),
      disabled: z.boolean().optional(),
      organisationUnits: z.array(z.object({ id: z.string() })).default([]),
    }),
  ),
})

const completionsSchema = z.object({
  completeDataSetRegistrations: z
    .array(
      z.object({
        organisationUnit: z.string(),
        period: z.string(),
        date: z.string().optional(),
        completed: z.boolean().optional(),
      }),
    )
    .default([]),
})

export interface ProgrammeDirectory {
  dataSetId: string
  /** Days after the period's end a report is still on time (DHIS2's `timelyDays`; 5 in the programme). */
  timelyDays: number
  rcs: RcContact[]
  /** The top org units the data set reaches (for one completions request with `children=true`). */
  roots: string[]
}

export async function readRulesDocument(dhis2: Dhis2Client): Promise<unknown> {
  return dhis2.getJson(`/dataStore/${RULES_NAMESPACE}/${RULES_KEY}`, {}, z.unknown(), { missingOk: true })
}

async function groupMembers(dhis2: Dhis2Client, group: string) {
  const answer = await dhis2.getJson(
    '/users',
    {
      filter: `userGroups.code:eq:${group}`,
      fields: 'id,name,displayName,phoneNumber,disabled,organisationUnits[id]',
      paging: false,
    },
    usersSchema,
  )
  return (answer?.users ?? []).filter((u) => u.disabled !== true)
}

const person = (u: z.infer<typeof usersSchema>['users'][number]): Person => ({
  id: u.id,
  name: u.name ?? u.displayName ?? u.id,
  ...(u.phoneNumber ? { phone: u.phoneNumber } : {}),
})

export async function readDirectory(dhis2: Dhis2Client, dataSetCode: string): Promise<ProgrammeDirectory | undefined> {
  const answer = await dhis2.getJson(
    '/dataSets',
    { filter: `code:eq:${dataSetCode}`, fields: 'id,timelyDays,organisationUnits[id,name,path]', paging: false },
    dataSetSchema,
  )
  const dataSet = answer?.dataSets[0]
  if (!dataSet) return undefined
  const [rcUsers, supervisorUsers] = await Promise.all([
    groupMembers(dhis2, RC_GROUP),
    groupMembers(dhis2, SUPERVISOR_GROUP),
  ])
  const usersOf = new Map<string, Person[]>()
  for (const u of rcUsers)
    for (const ou of u.organisationUnits) usersOf.set(ou.id, [...(usersOf.get(ou.id) ?? []), person(u)])
  const supervisorsAt = new Map<string, Person[]>()
  for (const u of supervisorUsers)
    for (const ou of u.organisationUnits) supervisorsAt.set(ou.id, [...(supervisorsAt.get(ou.id) ?? []), person(u)])
  const roots = new Set<string>()
  const rcs = dataSet.organisationUnits.map((unit): RcContact => {
    const ancestors = unit.path.split('/').filter(Boolean)
    if (ancestors[0]) roots.add(ancestors[0])
    // The nearest supervisors: those of the aire before those of the zone.
    const supervisors = ancestors
      .slice(0, -1)
      .reverse()
      .map((id) => supervisorsAt.get(id) ?? [])
      .find((list) => list.length > 0)
    return {
      orgUnit: unit.id,
      name: unit.name ?? unit.id,
      zone: ancestors[ZONE_LEVEL - 1] ?? ancestors[0] ?? unit.id,
      users: usersOf.get(unit.id) ?? [],
      supervisors: supervisors ?? [],
    }
  })
  return { dataSetId: dataSet.id, timelyDays: dataSet.timelyDays ?? 5, rcs, roots: [...roots] }
}

const orgUnitSchema = z.object({ id: z.string(), name: z.string().optional(), path: z.string() })

/**
 * One RC and its own accounts, for « Relancer »: three small requests instead of the whole country's RC, users
 * and supervisors. Undefined when the org unit is not one the data set is assigned to. No supervisors: a reminder
 * by hand goes to the RC only.
 */
export async function readRcContact(
  dhis2: Dhis2Client,
  dataSetCode: string,
  orgUnit: string,
): Promise<{ dataSetId: string; timelyDays: number; rc: RcContact } | undefined> {
  const [answer, unit, users] = await Promise.all([
    dhis2.getJson(
      '/dataSets',
      {
        filter: [`code:eq:${dataSetCode}`, `organisationUnits.id:eq:${orgUnit}`],
        fields: 'id,timelyDays',
        paging: false,
      },
      dataSetSchema,
    ),
    dhis2.getJson(`/organisationUnits/${encodeURIComponent(orgUnit)}`, { fields: 'id,name,path' }, orgUnitSchema, {
      missingOk: true,
    }),
    dhis2.getJson(
      '/users',
      {
        filter: [`userGroups.code:eq:${RC_GROUP}`, `organisationUnits.id:eq:${orgUnit}`],
        fields: 'id,name,displayName,phoneNumber,disabled,organisationUnits[id]',
        paging: false,
      },
      usersSchema,
    ),
  ])
  const dataSet = answer?.dataSets[0]
  if (!dataSet || !unit) return undefined
  const ancestors = unit.path.split('/').filter(Boolean)
  return {
    dataSetId: dataSet.id,
    timelyDays: dataSet.timelyDays ?? 5,
    rc: {
      orgUnit: unit.id,
      name: unit.name ?? unit.id,
      zone: ancestors[ZONE_LEVEL - 1] ?? ancestors[0] ?? unit.id,
      users: (users?.users ?? []).filter((u) => u.disabled !== true).map(person),
      supervisors: [],
    },
  }
}

const rootsSchema = z.object({ organisationUnits: z.array(z.object({ id: z.string() })).default([]) })

/**
 * The data set and the country's top org units, without its thousands of RC, users and supervisors: enough to
 * read completions (the effect of reminders, asked at each dashboard opening).
 */
export async function readDataSetRoots(
  dhis2: Dhis2Client,
  dataSetCode: string,
): Promise<{ dataSetId: string; roots: string[] } | undefined> {
  const [answer, top] = await Promise.all([
    dhis2.getJson('/dataSets', { filter: `code:eq:${dataSetCode}`, fields: 'id', paging: false }, dataSetSchema),
    dhis2.getJson('/organisationUnits', { level: 1, fields: 'id', paging: false }, rootsSchema),
  ])
  const dataSet = answer?.dataSets[0]
  return dataSet ? { dataSetId: dataSet.id, roots: (top?.organisationUnits ?? []).map((u) => u.id) } : undefined
}

/** The org units with a complete report for the period, with the date DHIS2 registered it. */
export async function readCompletions(
  dhis2: Dhis2Client,
  dataSetId: string,
  period: string,
  roots: readonly string[],
): Promise<{ orgUnit: string; date: string | undefined }[]> {
  if (roots.length === 0) return []
  const answer = await dhis2.getJson(
    '/completeDataSetRegistrations',
    { dataSet: dataSetId, period, orgUnit: roots.join(','), children: true },
    completionsSchema,
  )
  return (answer?.completeDataSetRegistrations ?? [])
    .filter((r) => r.completed !== false)
    .map((r) => ({ orgUnit: r.organisationUnit, date: r.date }))
}

const violationsSchema = z.array(z.object({ organisationUnitId: z.string(), periodId: z.string().optional() }))
const groupsSchema = z.object({ validationRuleGroups: z.array(z.object({ id: z.string() })).default([]) })

/** The package's validation rule group of the monthly report. */
export const REPORT_RULE_GROUP = 'VRG_RC_MENSUEL'
/** DHIS2's default cap on an analysis's results (keyDataQualityMaxLimit); the bridge asks for no more. */
const MAX_RESULTS = 500

/**
 * The RC whose report for the period breaks a rule of the report's validation rule group, by DHIS2's validation
 * rule analysis (needs F_RUN_VALIDATION, which ROLE_PASSERELLE holds from package 1.1.0). `truncated` says DHIS2
 * stopped at its cap: then some RC with values refused are not in the set.
 */
export async function readRuleViolations(
  dhis2: Dhis2Client,
  period: { id: string; startDate: string; endDate: string },
  roots: readonly string[],
): Promise<{ orgUnits: Set<string>; truncated: boolean }> {
  const groups = await dhis2.getJson(
    '/validationRuleGroups',
    { filter: `code:eq:${REPORT_RULE_GROUP}`, fields: 'id', paging: false },
    groupsSchema,
  )
  const vrg = groups?.validationRuleGroups[0]?.id
  const orgUnits = new Set<string>()
  let truncated = false
  for (const ou of roots) {
    const answer = await dhis2.postJson('/dataAnalysis/validationRules', {
      ou,
      startDate: period.startDate,
      endDate: period.endDate,
      ...(vrg ? { vrg } : {}),
      maxResults: MAX_RESULTS,
      notification: false,
      persist: false,
    })
    const violations = violationsSchema.parse(answer.body ?? [])
    if (violations.length >= MAX_RESULTS) truncated = true
    for (const v of violations)
      if (v.periodId === undefined || v.periodId === period.id) orgUnits.add(v.organisationUnitId)
  }
  return { orgUnits, truncated }
}
