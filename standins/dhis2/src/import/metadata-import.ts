/**
 * `POST /api/metadata` as DHIS2 2.41 imports it (setup-ops §1–2; core@2.41 `DefaultMetadataImportService`,
 * `objectbundle/validation/*Check`, `ErrorCode`), for the types of an aggregate programme:
 * - params `importMode` COMMIT|VALIDATE, `importStrategy` CREATE_AND_UPDATE|CREATE|UPDATE|DELETE, `atomicMode`
 *   ALL|NONE, `identifier` UID|CODE (unknown values fall back to the default, as `getEnumWithDefault` does);
 * - checks, each with DHIS2's code and words: E4014 bad uid, E4000 missing required property (a missing
 *   reference to a category type gets the `default` object instead), E5002 reference found in neither the
 *   database nor the payload, E5003 code or name taken by another object, E5004/E5005 duplicates within the
 *   payload, E5000/E5001 strategy mismatches, E4054/E4055/E4005 for users;
 * - the ImportReport (`stats`, `typeReports[].objectReports[].errorReports[]` with `args`), 200 when OK and 409
 *   (envelope status WARNING) otherwise; atomicMode ALL commits nothing when anything failed;
 * - an update overwrites the whole object (2.41 dropped mergeMode): what the payload leaves out is gone, as in
 *   DHIS2; `created` is kept. Option combos are not generated (DHIS2's import does not either).
 * Unchanged objects count as `updated`, as in DHIS2.
 * Sharing: an object of a shared type imported without `sharing.public` gets DHIS2's reset (owner the importer,
 * public `rw------`, no group or user access: auth/object-sharing.ts) — on an update too.
 */
import { generateUid } from '@relais/mappings'
import type { StandinContext } from '../context'
import type { StandinState } from '../store/state'
import { hashPassword } from '../seed/users'
import { passwordProblem } from '../auth/password-rules'
import { needsReset, resetSharing, SHAREABLE_TYPES, type ObjectSharing } from '../auth/object-sharing'
import { emptyTrackerMetadata } from '../store/tracker-metadata'

export const IMPORT_TYPES = [
  'userRoles',
  'users',
  'userGroups',
  'organisationUnitLevels',
  'organisationUnits',
  'organisationUnitGroups',
  'organisationUnitGroupSets',
  'categoryOptions',
  'categories',
  'categoryCombos',
  'categoryOptionCombos',
  'optionSets',
  'options',
  'dataElements',
  'indicatorTypes',
  'indicators',
  'dataSets',
  'sections',
  'programs',
  'programStages',
  'validationRules',
  'validationRuleGroups',
] as const
export type ImportType = (typeof IMPORT_TYPES)[number]

const KLASS: Record<ImportType, string> = {
  userRoles: 'org.hisp.dhis.user.UserRole',
  users: 'org.hisp.dhis.user.User',
  userGroups: 'org.hisp.dhis.user.UserGroup',
  organisationUnitLevels: 'org.hisp.dhis.organisationunit.OrganisationUnitLevel',
  organisationUnits: 'org.hisp.dhis.organisationunit.OrganisationUnit',
  organisationUnitGroups: 'org.hisp.dhis.organisationunit.OrganisationUnitGroup',
  organisationUnitGroupSets: 'org.hisp.dhis.organisationunit.OrganisationUnitGroupSet',
  categoryOptions: 'org.hisp.dhis.category.CategoryOption',
  categories: 'org.hisp.dhis.category.Category',
  categoryCombos: 'org.hisp.dhis.category.CategoryCombo',
  categoryOptionCombos: 'org.hisp.dhis.category.CategoryOptionCombo',
  optionSets: 'org.hisp.dhis.option.OptionSet',
  options: 'org.hisp.dhis.option.Option',
  programs: 'org.hisp.dhis.program.Program',
  programStages: 'org.hisp.dhis.program.ProgramStage',
  dataElements: 'org.hisp.dhis.dataelement.DataElement',
  indicatorTypes: 'org.hisp.dhis.indicator.IndicatorType',
  indicators: 'org.hisp.dhis.indicator.Indicator',
  dataSets: 'org.hisp.dhis.dataset.DataSet',
  sections: 'org.hisp.dhis.dataset.Section',
  validationRules: 'org.hisp.dhis.validation.ValidationRule',
  validationRuleGroups: 'org.hisp.dhis.validation.ValidationRuleGroup',
}

/** setup-ops §2.2: what must be sent. */
const REQUIRED: Partial<Record<ImportType, string[]>> = {
  categoryOptions: ['name', 'shortName'],
  categories: ['name', 'shortName', 'dataDimensionType'],
  categoryCombos: ['name', 'dataDimensionType'],
  dataElements: ['name', 'shortName', 'valueType', 'domainType', 'aggregationType'],
  // The not-null columns of Option/OptionSet/Program/ProgramStage.hbm.xml (core@2.41.9) without a Java default.
  optionSets: ['name', 'valueType'],
  options: ['name', 'code'],
  programs: ['name', 'shortName', 'programType'],
  programStages: ['name'],
  dataSets: ['name', 'shortName', 'periodType'],
  sections: ['name', 'dataSet'],
  indicatorTypes: ['name'],
  indicators: ['name', 'shortName', 'numerator', 'denominator', 'indicatorType'],
  validationRules: ['name', 'operator', 'periodType', 'leftSide', 'rightSide'],
  validationRuleGroups: ['name'],
  organisationUnits: ['name', 'shortName', 'openingDate'],
  organisationUnitGroups: ['name', 'shortName'],
  organisationUnitGroupSets: ['name', 'shortName'],
  organisationUnitLevels: ['name', 'level'],
  userGroups: ['name'],
  userRoles: ['name'],
  users: ['username', 'firstName', 'surname'],
}

/** Unique properties against the database (E5003) and within the payload (E5005). */
const UNIQUE: Partial<Record<ImportType, string[]>> = {
  categoryOptions: ['name', 'shortName'],
  categories: ['name'],
  categoryCombos: ['name'],
  dataElements: ['name', 'shortName'],
  dataSets: ['shortName'],
  optionSets: ['name'],
  programs: ['name', 'shortName'],
  indicatorTypes: ['name'],
  validationRules: ['name'],
  validationRuleGroups: ['name'],
  organisationUnitGroups: ['name', 'shortName'],
  organisationUnitGroupSets: ['name', 'shortName'],
  userRoles: ['name'],
}

/** Reference properties: property → the type it points at (lists and single refs alike). */
const REFS: Partial<Record<ImportType, Record<string, ImportType>>> = {
  categories: { categoryOptions: 'categoryOptions' },
  categoryCombos: { categories: 'categories', categoryOptionCombos: 'categoryOptionCombos' },
  categoryOptionCombos: { categoryCombo: 'categoryCombos', categoryOptions: 'categoryOptions' },
  dataElements: { categoryCombo: 'categoryCombos', optionSet: 'optionSets' },
  optionSets: { options: 'options' },
  options: { optionSet: 'optionSets' },
  programs: { categoryCombo: 'categoryCombos', organisationUnits: 'organisationUnits', programStages: 'programStages' },
  programStages: { program: 'programs' },
  dataSets: { categoryCombo: 'categoryCombos', organisationUnits: 'organisationUnits', sections: 'sections' },
  sections: { dataSet: 'dataSets', dataElements: 'dataElements' },
  indicators: { indicatorType: 'indicatorTypes' },
  validationRuleGroups: { validationRules: 'validationRules' },
  organisationUnits: { parent: 'organisationUnits' },
  organisationUnitGroups: { organisationUnits: 'organisationUnits', groupSets: 'organisationUnitGroupSets' },
  organisationUnitGroupSets: { organisationUnitGroups: 'organisationUnitGroups' },
  userGroups: { users: 'users' },
  users: {
    userRoles: 'userRoles',
    organisationUnits: 'organisationUnits',
    dataViewOrganisationUnits: 'organisationUnits',
  },
}

/** Collection properties of each type: stored empty when the payload leaves them out. */
const LISTS: Partial<Record<ImportType, string[]>> = {
  categoryOptions: ['organisationUnits'],
  categories: ['categoryOptions'],
  categoryCombos: ['categories', 'categoryOptionCombos'],
  categoryOptionCombos: ['categoryOptions'],
  dataSets: ['organisationUnits', 'dataSetElements', 'sections', 'compulsoryDataElementOperands'],
  sections: ['dataElements'],
  organisationUnitGroups: ['organisationUnits', 'groupSets'],
  organisationUnitGroupSets: ['organisationUnitGroups'],
  validationRuleGroups: ['validationRules'],
  optionSets: ['options'],
  programs: ['organisationUnits', 'programStages'],
  programStages: ['programStageDataElements'],
  userGroups: ['users'],
  userRoles: ['authorities'],
}

/** A missing reference to these gets the `default` object (DefaultPreheatService.connectDefaults). */
const DEFAULTED: Record<string, ImportType> = { categoryCombo: 'categoryCombos' }

type Obj = Record<string, unknown> & { id: string }

export interface ErrorReport {
  message: string
  mainKlass: string
  errorKlass?: string
  errorCode: string
  mainId?: string
  errorProperty?: string
  errorProperties?: string[]
  args: string[]
  value?: string
}

interface ObjectReport {
  klass: string
  index: number
  uid: string
  errorReports: ErrorReport[]
}

export interface ImportParams {
  importMode: 'COMMIT' | 'VALIDATE'
  importStrategy: 'CREATE_AND_UPDATE' | 'CREATE' | 'UPDATE' | 'DELETE'
  atomicMode: 'ALL' | 'NONE'
  identifier: 'UID' | 'CODE'
}

function enumOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  const text = typeof value === 'string' ? value.toUpperCase() : ''
  return (allowed as readonly string[]).includes(text) ? (text as T) : fallback
}

export function importParams(query: Record<string, unknown>): ImportParams {
  return {
    importMode: enumOf(query.importMode, ['COMMIT', 'VALIDATE'] as const, 'COMMIT'),
    importStrategy: enumOf(
      query.importStrategy,
      ['CREATE_AND_UPDATE', 'CREATE', 'UPDATE', 'DELETE'] as const,
      'CREATE_AND_UPDATE',
    ),
    atomicMode: enumOf(query.atomicMode, ['ALL', 'NONE'] as const, 'ALL'),
    identifier: enumOf(query.identifier, ['UID', 'CODE'] as const, 'UID'),
  }
}

/** Where each type lives in the stand-in's state. */
export function stateList(state: StandinState, type: ImportType): Obj[] {
  switch (type) {
    case 'users':
      return state.users as unknown as Obj[]
    case 'userGroups':
      return state.userGroups as unknown as Obj[]
    case 'userRoles':
      return state.userRoles as unknown as Obj[]
    case 'validationRuleGroups':
      state.validationRuleGroups ??= []
      return state.validationRuleGroups as unknown as Obj[]
    case 'optionSets':
    case 'options':
    case 'programs':
    case 'programStages':
      state.tracker ??= emptyTrackerMetadata()
      return state.tracker[type] as unknown as Obj[]
    default:
      return state.metadata[type] as unknown as Obj[]
  }
}

const UID = /^[a-zA-Z][a-zA-Z0-9]{10}$/
const singular = (type: ImportType) => KLASS[type].split('.').pop()!
const label = (type: ImportType, o: Record<string, unknown>) =>
  `${String(o.name ?? o.username ?? o.code ?? '')} [${String(o.id ?? '')}] (${singular(type)})`.trim()

function refIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refIds)
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string')
    return [(value as { id: string }).id]
  return []
}

export interface MetadataImportResult {
  httpStatus: number
  body: Record<string, unknown>
}

/** The authority a non-superuser needs to create or update each type (E3000 otherwise). */
const CREATE_AUTHORITY: Record<ImportType, string> = {
  userRoles: 'F_USERROLE_PUBLIC_ADD',
  users: 'F_USER_ADD',
  userGroups: 'F_USERGROUP_PUBLIC_ADD',
  organisationUnitLevels: 'F_ORGANISATIONUNITLEVEL_UPDATE',
  organisationUnits: 'F_ORGANISATIONUNIT_ADD',
  organisationUnitGroups: 'F_ORGANISATIONUNITGROUP_PUBLIC_ADD',
  organisationUnitGroupSets: 'F_ORGANISATIONUNITGROUPSET_PUBLIC_ADD',
  categoryOptions: 'F_CATEGORY_OPTION_PUBLIC_ADD',
  categories: 'F_CATEGORY_PUBLIC_ADD',
  categoryCombos: 'F_CATEGORY_COMBO_PUBLIC_ADD',
  categoryOptionCombos: 'F_CATEGORY_COMBO_PUBLIC_ADD',
  optionSets: 'F_OPTIONSET_PUBLIC_ADD',
  options: 'F_OPTIONSET_PUBLIC_ADD',
  programs: 'F_PROGRAM_PUBLIC_ADD',
  programStages: 'F_PROGRAMSTAGE_ADD',
  dataElements: 'F_DATAELEMENT_PUBLIC_ADD',
  indicatorTypes: 'F_INDICATORTYPE_ADD',
  indicators: 'F_INDICATOR_PUBLIC_ADD',
  dataSets: 'F_DATASET_PUBLIC_ADD',
  sections: 'F_SECTION_ADD',
  validationRules: 'F_VALIDATIONRULE_PUBLIC_ADD',
  validationRuleGroups: 'F_VALIDATIONRULEGROUP_PUBLIC_ADD',
}

export interface Importer {
  id: string
  username: string
  isSuperuser: boolean
  authorities: ReadonlySet<string>
}

/**
 * Up to 2.41 a user's account fields may come nested in `userCredentials{}` (the pre-2.38 shape), flat fields
 * winning; 2.42 has no such property and ignores it, so a nested-only payload lacks its username.
 */
function flattenUserCredentials(user: Obj, accepted: boolean): void {
  const nested = user.userCredentials
  delete user.userCredentials
  if (!accepted || nested === null || typeof nested !== 'object') return
  for (const [key, value] of Object.entries(nested as Record<string, unknown>)) {
    if (key !== 'id' && user[key] === undefined) user[key] = value
  }
}

export function importMetadata(
  ctx: StandinContext,
  payload: unknown,
  params: ImportParams,
  importer: Importer,
): MetadataImportResult {
  const byUser = importer.id
  const state = ctx.state
  const input = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>
  const now = ctx.clock.timestamp()
  // Every object of the payload, with its type and index; ids resolved (CODE identifier) or generated.
  const items: Array<{ type: ImportType; index: number; object: Obj; existing?: Obj; errors: ErrorReport[] }> = []
  for (const type of IMPORT_TYPES) {
    const list = input[type]
    if (!Array.isArray(list)) continue
    const current = stateList(state, type)
    list.forEach((raw, index) => {
      const object = { ...(raw as Record<string, unknown>) } as Obj
      if (type === 'users') flattenUserCredentials(object, ctx.behaviour.userCredentials)
      let existing: Obj | undefined
      if (params.identifier === 'CODE' && typeof object.code === 'string') {
        existing = current.find((o) => o.code === object.code)
        if (existing && object.id === undefined) object.id = existing.id
      }
      if (object.id === undefined) object.id = generateUid()
      existing ??= current.find((o) => o.id === object.id)
      items.push({ type, index, object, ...(existing ? { existing } : {}), errors: [] })
    })
  }
  // DefaultMetadataImportService.preCreateBundleObject: an object without a public access string (a create or an
  // update alike) gets its sharing reset, so re-importing an object without its sharing loses that sharing.
  for (const item of items) {
    if (!SHAREABLE_TYPES.has(item.type) || !needsReset(item.object.sharing)) continue
    const authority = CREATE_AUTHORITY[item.type]
    const mayMakePublic =
      importer.isSuperuser || (authority.includes('_PUBLIC_') && importer.authorities.has(authority))
    const given = item.object.sharing as ObjectSharing | undefined
    item.object.sharing = resetSharing(given?.owner ?? importer.id, mayMakePublic)
  }
  const inPayload = new Map<string, ImportType>()
  for (const item of items) inPayload.set(item.object.id, item.type)
  const defaultCombo = state.metadata.categoryCombos.find((c) => c.code === 'default' || c.name === 'default')

  const error = (item: (typeof items)[number], errorCode: string, message: string, extra: Partial<ErrorReport> = {}) =>
    item.errors.push({ message, mainKlass: KLASS[item.type], errorCode, mainId: item.object.id, args: [], ...extra })

  const seen = new Map<string, Map<string, string>>()
  for (const item of items) {
    const { type, object, existing } = item
    const o = object
    if (!importer.isSuperuser && !importer.authorities.has(CREATE_AUTHORITY[type]))
      error(
        item,
        existing ? 'E3001' : 'E3000',
        existing
          ? `User \`${importer.username}\` is not allowed to update object \`${label(type, o)}\``
          : `User \`${importer.username}\` is not allowed to create objects of type ${singular(type)}.`,
        { args: [importer.username, singular(type)] },
      )
    if (!UID.test(o.id))
      error(item, 'E4014', `Invalid UID \`${o.id}\` for property \`${singular(type)}\``, {
        errorProperty: 'id',
        args: [o.id, singular(type)],
      })
    if (params.importStrategy === 'CREATE' && existing)
      error(
        item,
        'E5000',
        `Found matching object for reference, but import mode is CREATE. Identifier was ${o.id}, and object was ${label(type, o)}.`,
        { args: [o.id] },
      )
    if ((params.importStrategy === 'UPDATE' || params.importStrategy === 'DELETE') && !existing)
      error(
        item,
        'E5001',
        `No matching object for reference. Identifier was ${o.id}, and object was ${label(type, o)}.`,
        { args: [o.id] },
      )
    if (params.importStrategy === 'DELETE') continue
    // Defaults for the category references, before the required check (connectDefaults).
    for (const [property, target] of Object.entries(DEFAULTED))
      if ((REFS[type] ?? {})[property] === target && o[property] === undefined && defaultCombo)
        o[property] = { id: defaultCombo.id }
    for (const property of REQUIRED[type] ?? [])
      if (o[property] === undefined || o[property] === null || o[property] === '')
        error(item, 'E4000', `Missing required property \`${property}\``, {
          errorProperty: property,
          errorProperties: [property],
          args: [property],
        })
    if (typeof o.code === 'string' && o.code.length > 50)
      error(item, 'E4001', `Maximum length of property \`code\`is 50, but given length was ${o.code.length}`, {
        errorProperty: 'code',
        args: ['code', '50', String(o.code.length)],
      })
    for (const [property, target] of Object.entries(REFS[type] ?? {})) {
      for (const id of refIds(o[property])) {
        const known = stateList(state, target).some((x) => x.id === id) || inPayload.get(id) === target
        if (!known)
          error(
            item,
            'E5002',
            `Invalid reference [${id}] (${singular(target)}) on object ${label(type, o)} for association \`${property}\``,
            { errorProperty: property, errorKlass: KLASS[target], value: id, args: [id, label(type, o), property] },
          )
      }
    }
    // A stage's data elements are embedded objects (ProgramStageDataElement): their `dataElement` is a reference.
    if (type === 'programStages' && Array.isArray(o.programStageDataElements))
      for (const psde of o.programStageDataElements as Array<{ dataElement?: { id?: unknown } }>) {
        const id = psde?.dataElement?.id
        if (typeof id !== 'string') continue
        if (!state.metadata.dataElements.some((x) => x.id === id) && inPayload.get(id) !== 'dataElements')
          error(
            item,
            'E5002',
            `Invalid reference [${id}] (DataElement) on object ${label(type, o)} for association \`dataElement\``,
            {
              errorProperty: 'dataElement',
              errorKlass: KLASS.dataElements,
              value: id,
              args: [id, label(type, o), 'dataElement'],
            },
          )
      }
    for (const property of ['code', ...(UNIQUE[type] ?? [])]) {
      const value = o[property]
      if (typeof value !== 'string' || value === '') continue
      const other = stateList(state, type).find((x) => x[property] === value && x.id !== o.id)
      if (other)
        error(
          item,
          'E5003',
          `Property \`${property}\` with value \`${value}\` on object ${label(type, o)} already exists on object ${other.id}`,
          { errorProperty: property, value, args: [property, value, label(type, o), other.id] },
        )
      const key = `${type}.${property}`
      const taken = seen.get(key) ?? new Map<string, string>()
      seen.set(key, taken)
      const before = taken.get(value)
      if (before !== undefined && before !== o.id)
        error(
          item,
          'E5005',
          `Property \`${property}\` with value \`${value}\` on object ${label(type, o)} already exists on object ${before}`,
          {
            errorProperty: property,
            value,
            args: [property, value, label(type, o), before],
          },
        )
      else taken.set(value, o.id)
    }
    if (type === 'users') {
      const username = String(o.username ?? '')
      if (username && !/^(?![-_.@])(?!.*[-_.@]{2})[-_.@a-zA-Z0-9]{4,255}(?<![-_.@])$/.test(username))
        error(item, 'E4049', `Property \`username\` must be valid`, { errorProperty: 'username', args: [username] })
      const clash = state.users.find((u) => u.username === username && u.id !== o.id)
      if (clash)
        error(item, 'E4054', `Property \`username\` already exists, was \`${username}\``, {
          errorProperty: 'username',
          args: ['username', username],
        })
      if (refIds(o.userRoles).length === 0)
        error(item, 'E4055', 'User needs to have at least one user role associated with it.', { args: [] })
      if (typeof o.password === 'string') {
        const email = typeof o.email === 'string' ? o.email : undefined
        const problem = passwordProblem(o.password, { username, ...(email ? { email } : {}) }, state.systemSettings)
        if (problem)
          error(item, 'E4005', `Property \`password\` requires a valid password, was given \`${problem}\``, {
            errorProperty: 'password',
            args: ['password', problem],
          })
      } else if (!existing)
        error(item, 'E4000', 'Missing required property `password`', { errorProperty: 'password', args: ['password'] })
    }
    if (
      type === 'organisationUnits' &&
      typeof o.closedDate === 'string' &&
      typeof o.openingDate === 'string' &&
      o.closedDate < o.openingDate
    )
      error(
        item,
        'E4013',
        `Invalid closing date \`${o.closedDate}\`, must be after opening date \`${o.openingDate}\``,
        {
          errorProperty: 'closedDate',
          args: [String(o.closedDate), String(o.openingDate)],
        },
      )
  }

  const failed = items.filter((i) => i.errors.length > 0)
  const commit = params.importMode === 'COMMIT' && (failed.length === 0 || params.atomicMode === 'NONE')
  const stats = { created: 0, updated: 0, deleted: 0, ignored: 0, total: items.length }
  const typeStats = new Map<ImportType, typeof stats>()
  for (const item of items) {
    const s = typeStats.get(item.type) ?? { created: 0, updated: 0, deleted: 0, ignored: 0, total: 0 }
    typeStats.set(item.type, s)
    s.total++
    const ignored = item.errors.length > 0 || (failed.length > 0 && params.atomicMode === 'ALL')
    const outcome = ignored
      ? 'ignored'
      : params.importStrategy === 'DELETE'
        ? 'deleted'
        : item.existing
          ? 'updated'
          : 'created'
    s[outcome]++
    stats[outcome]++
  }
  if (commit) {
    for (const item of items) {
      if (item.errors.length > 0) continue
      commitObject(ctx, item.type, item.object, item.existing, params.importStrategy === 'DELETE', now, byUser)
    }
    linkInverses(state)
    ctx.reindex()
  }
  const status = failed.length === 0 ? 'OK' : params.atomicMode === 'ALL' ? 'ERROR' : 'WARNING'
  const typeReports = [...typeStats].map(([type, s]) => ({
    klass: KLASS[type],
    stats: s,
    objectReports: items
      .filter((i) => i.type === type && i.errors.length > 0)
      .map((i): ObjectReport => ({ klass: KLASS[type], index: i.index, uid: i.object.id, errorReports: i.errors })),
  }))
  const report = { responseType: 'ImportReport', status, stats, typeReports }
  if (status === 'OK')
    return { httpStatus: 200, body: { httpStatus: 'OK', httpStatusCode: 200, status: 'OK', response: report } }
  return {
    httpStatus: 409,
    body: {
      httpStatus: 'Conflict',
      httpStatusCode: 409,
      status: 'WARNING',
      message: 'One or more errors occurred, please see full details in import report.',
      response: report,
    },
  }
}

function commitObject(
  ctx: StandinContext,
  type: ImportType,
  object: Obj,
  existing: Obj | undefined,
  remove: boolean,
  now: string,
  byUser: string,
): void {
  const list = stateList(ctx.state, type)
  if (remove) {
    const at = list.findIndex((o) => o.id === object.id)
    if (at >= 0) list.splice(at, 1)
    return
  }
  const { password, userCredentials: _credentials, ...fields } = object
  const stored: Obj = {
    // Collections left out are empty, as DHIS2 holds them.
    translations: [],
    ...Object.fromEntries((LISTS[type] ?? []).map((name) => [name, []])),
    ...fields,
    created: existing?.created ?? now,
    lastUpdated: now,
    lastUpdatedBy: { id: byUser },
  }
  if (type === 'users') {
    const settings = (existing?.settings as object | undefined) ?? { keyUiLocale: 'fr', keyDbLocale: 'fr' }
    Object.assign(stored, {
      name: `${String(stored.firstName)} ${String(stored.surname)}`,
      disabled: stored.disabled ?? false,
      // The TOTP secret is not part of the payload: an update keeps the account's two-factor state.
      twoFactorEnabled: stored.twoFactorEnabled ?? existing?.twoFactorEnabled ?? false,
      externalAuth: stored.externalAuth ?? false,
      dataViewOrganisationUnits: stored.dataViewOrganisationUnits ?? [],
      teiSearchOrganisationUnits: stored.teiSearchOrganisationUnits ?? [],
      organisationUnits: stored.organisationUnits ?? [],
      userRoles: stored.userRoles ?? [],
      // Groups own their members in an import (a user's own list only counts on a single POST /api/users).
      userGroups: existing?.userGroups ?? [],
      passwordLastUpdated: typeof password === 'string' ? now : (existing?.passwordLastUpdated ?? now),
      settings,
    })
    if (typeof password === 'string')
      ctx.state.credentials.set(String(stored.username), hashPassword(password, `import-${String(stored.username)}`))
  }
  if (type === 'organisationUnits') {
    stored.children = existing?.children ?? []
    stored.organisationUnitGroups = existing?.organisationUnitGroups ?? []
  }
  if (type === 'userGroups') stored.users = stored.users ?? []
  if (type === 'userRoles') stored.users = existing?.users ?? []
  if (existing) list[list.indexOf(existing)] = stored
  else list.push(stored)
}

/**
 * What DHIS2 derives from the owning side: org-unit levels, paths and children; group memberships on org
 * units and users; role members; data set sections; combos' option combos.
 */
function linkInverses(state: StandinState): void {
  const units = state.metadata.organisationUnits as unknown as Obj[]
  const byId = new Map(units.map((u) => [u.id, u]))
  const pathOf = (u: Obj, depth = 0): string => {
    const parentId = (u.parent as { id?: string } | undefined)?.id
    const parent = parentId ? byId.get(parentId) : undefined
    return parent && depth < 50 ? `${pathOf(parent, depth + 1)}/${u.id}` : `/${u.id}`
  }
  for (const u of units) {
    u.path = pathOf(u)
    u.level = String(u.path).split('/').filter(Boolean).length
    u.children = []
    u.organisationUnitGroups = []
  }
  for (const u of units) {
    const parentId = (u.parent as { id?: string } | undefined)?.id
    if (parentId) (byId.get(parentId)?.children as Array<{ id: string }> | undefined)?.push({ id: u.id })
  }
  for (const g of state.metadata.organisationUnitGroups)
    for (const ref of g.organisationUnits)
      (byId.get(ref.id)?.organisationUnitGroups as Array<{ id: string }> | undefined)?.push({ id: g.id })
  const users = new Map(state.users.map((u) => [u.id, u]))
  for (const u of state.users) u.userGroups = []
  for (const g of state.userGroups) for (const ref of g.users) users.get(ref.id)?.userGroups.push({ id: g.id })
  for (const r of state.userRoles) r.users = []
  const roles = new Map(state.userRoles.map((r) => [r.id, r]))
  for (const u of state.users) for (const ref of u.userRoles) roles.get(ref.id)?.users.push({ id: u.id })
  for (const g of state.metadata.organisationUnitGroups)
    g.groupSets = state.metadata.organisationUnitGroupSets
      .filter((set) => set.organisationUnitGroups.some((x) => x.id === g.id))
      .map((set) => ({ id: set.id }))
  for (const combo of state.metadata.categoryCombos)
    combo.categoryOptionCombos = state.metadata.categoryOptionCombos
      .filter((coc) => coc.categoryCombo.id === combo.id)
      .map((coc) => ({ id: coc.id }))
  // Both sides are kept in step: a stage listed by a program points back to it, an option to the set listing it.
  const tracker = state.tracker
  if (tracker) {
    for (const program of tracker.programs) {
      const ids = new Set(program.programStages.map((s) => s.id))
      for (const stage of tracker.programStages) if (stage.program?.id === program.id) ids.add(stage.id)
      program.programStages = [...ids].map((id) => ({ id }))
      for (const id of ids) {
        const stage = tracker.programStages.find((s) => s.id === id)
        if (stage && !stage.program) stage.program = { id: program.id }
      }
    }
    for (const option of tracker.options) {
      const set = tracker.optionSets.find((s) => s.options.some((ref) => ref.id === option.id))
      if (set) option.optionSet = { id: set.id }
    }
  }
  for (const ds of state.metadata.dataSets) {
    ds.sections = state.metadata.sections
      .filter((s) => s.dataSet.id === ds.id)
      .sort((a, b) => a.sortOrder - b.sortOrder)
      .map((s) => ({ id: s.id }))
    for (const dse of ds.dataSetElements) dse.dataSet = { id: ds.id }
  }
}
