/**
 * The per-value rules of DHIS2 2.41's aggregate data import (web-api §2.7), as ONE pure module: the DHIS2
 * stand-in imports with it and the mappings engine pre-validates with it, so the two cannot drift apart.
 *
 * Order and shapes follow dhis2-core's `DataValueSetImportValidator` (data-set level first, then per
 * value; the first failing check wins) and `DataValueImportConflict` / `DataValueSetImportConflict`
 * (the conflict's `property`, and the `objects` map keyed by the singular name of each object's type —
 * so an unknown attribute option combo is `{ categoryOptionCombo: … }` under property
 * `attributeOptionCombo`, as DHIS2 writes it). Message texts are DHIS2 2.41's `ErrorCode` texts, verbatim
 * (backquotes included; E7640 really has two spaces before "and").
 *
 * E7601, E7614 and E7616 (data write sharing of the data set and of each category option) are checked only
 * when the user carries the sharing answers (`canWriteDataSet`, `canWriteCategoryOption`): the stand-in
 * does, the mappings engine cannot know the sharing of the account that will push.
 *
 * What is not here, because the programme's metadata model cannot trigger it: E7621 (option sets are not
 * in the snapshot), E7642 (approval), E7643/E7644 (data input
 * periods), E7645 (file resources).
 *
 * Performance: `createDataValueValidator` prepares the look-ups once per import (period, hierarchy,
 * expiry and future-period answers are cached), so a value costs a handful of Map reads.
 */
import type { CategoryOptionCombo, DataElement, DataSet, OrganisationUnit } from './metadata'
import type { IdScheme, MetadataIndex } from './metadata-index'
import { addPeriods, parsePeriod, periodForDate, type Period } from './periods'
import { isZeroAndInsignificant, normalizeBoolean, validateValue } from './value-types'

// ---------------------------------------------------------------------------------------------------
// The rule table
// ---------------------------------------------------------------------------------------------------

/**
 * What the arguments of a rule's message are, in order: an object type (its singular name becomes the
 * key in `objects`), `i18n` (an i18n key: kept as is in the message and stored under the rule's
 * property), or `extra` (only a message argument).
 */
export type ConflictArgument =
  | 'dataSet'
  | 'dataElement'
  | 'period'
  | 'organisationUnit'
  | 'categoryOptionCombo'
  | 'categoryOption'
  | 'user'
  | 'i18n'
  | 'extra'

export interface DataValueRule {
  code: string
  /** `dataSet`: aborts the whole import (status ERROR); `dataValue`: rejects one value (WARNING). */
  level: 'dataSet' | 'dataValue'
  /** The conflict's `property` (DHIS2's descriptor property); absent for E7632, as in DHIS2. */
  property?: string
  args: readonly ConflictArgument[]
  /** DHIS2 2.41's message, with `{0}`, `{1}`… placeholders. */
  message: string
  /** When the rule applies, for people (the app's help, the bridge's quarantine screen). */
  description: { en: string; fr: string }
}

/**
 * Every rule both the stand-in and the mappings engine enforce, in DHIS2's check order. Test suites
 * iterate this table: a rule added here must get a test case in each suite.
 */
export const DATA_VALUE_RULES = [
  {
    code: 'E7600',
    level: 'dataSet',
    property: 'dataSet',
    args: ['dataSet'],
    message: 'Data set not found or not accessible: `{0}`',
    description: {
      en: 'The data set named in the payload does not exist (in the id scheme used).',
      fr: "Le jeu de données indiqué dans l'envoi n'existe pas (dans le schéma d'identifiants utilisé).",
    },
  },
  {
    code: 'E7601',
    level: 'dataSet',
    property: 'dataSet',
    args: ['dataSet'],
    message: 'User does not have write access for DataSet: `{0}`',
    description: {
      en: 'The user may not write data for the data set (data sharing).',
      fr: "L'utilisateur n'a pas le droit de saisir des données pour ce jeu de données (partage).",
    },
  },
  {
    code: 'E7602',
    level: 'dataSet',
    property: 'dataSet',
    args: [],
    message: 'A valid dataset is required',
    description: {
      en: 'strictDataElements is on but the payload names no valid data set.',
      fr: "strictDataElements est activé mais l'envoi n'indique aucun jeu de données valide.",
    },
  },
  {
    code: 'E7603',
    level: 'dataSet',
    property: 'orgUnit',
    args: ['organisationUnit', 'dataSet'],
    message: 'Org unit not found or not accessible: `{0}`',
    description: {
      en: 'The organisation unit given for the whole payload does not exist.',
      fr: "L'unité d'organisation indiquée pour tout l'envoi n'existe pas.",
    },
  },
  {
    code: 'E7604',
    level: 'dataSet',
    property: 'attributeOptionCombo',
    args: ['categoryOptionCombo', 'dataSet'],
    message: 'Attribute option combo not found or not accessible: `{0}`',
    description: {
      en: 'The attribute option combo given for the whole payload does not exist.',
      fr: "La combinaison d'options d'attribut indiquée pour tout l'envoi n'existe pas.",
    },
  },
  {
    code: 'E7610',
    level: 'dataValue',
    property: 'dataElement',
    args: ['dataElement'],
    message: 'Data element not found or not accessible: `{0}`',
    description: { en: 'Unknown data element.', fr: 'Élément de données inconnu.' },
  },
  {
    code: 'E7611',
    level: 'dataValue',
    property: 'period',
    args: ['period'],
    message: 'Period not valid: `{0}`',
    description: {
      en: 'The period is not a DHIS2 ISO period id.',
      fr: "La période n'est pas un identifiant de période ISO de DHIS2.",
    },
  },
  {
    code: 'E7612',
    level: 'dataValue',
    property: 'orgUnit',
    args: ['organisationUnit'],
    message: 'Organisation unit not found or not accessible: `{0}`',
    description: { en: 'Unknown organisation unit.', fr: "Unité d'organisation inconnue." },
  },
  {
    code: 'E7613',
    level: 'dataValue',
    property: 'categoryOptionCombo',
    args: ['categoryOptionCombo'],
    message: 'Category option combo not found or not accessible for writing data: `{0}`',
    description: {
      en: 'Unknown category option combo (disaggregation).',
      fr: 'Combinaison de catégories (ventilation) inconnue.',
    },
  },
  {
    code: 'E7614',
    level: 'dataValue',
    property: 'categoryOptionCombo',
    args: ['categoryOptionCombo', 'categoryOption'],
    message: 'Category option combo: `{0}` option not accessible: `{1}`',
    description: {
      en: 'The user may not write data for one of the disaggregation’s category options (data sharing).',
      fr: "L'utilisateur n'a pas le droit de saisir des données pour une option de la ventilation (partage).",
    },
  },
  {
    code: 'E7615',
    level: 'dataValue',
    property: 'attributeOptionCombo',
    args: ['categoryOptionCombo'],
    message: 'Attribute option combo not found or not accessible for writing data: `{0}`',
    description: { en: 'Unknown attribute option combo.', fr: "Combinaison d'options d'attribut inconnue." },
  },
  {
    code: 'E7616',
    level: 'dataValue',
    property: 'attributeOptionCombo',
    args: ['categoryOptionCombo', 'categoryOption'],
    message: 'Attribute option combo: `{0}` option not accessible: `{1}`',
    description: {
      en: 'The user may not write data for one of the attribute option combo’s category options (data sharing).',
      fr: "L'utilisateur n'a pas le droit de saisir des données pour une option de l'attribut (partage).",
    },
  },
  {
    code: 'E7617',
    level: 'dataValue',
    property: 'orgUnit',
    args: ['organisationUnit', 'user'],
    message: 'Organisation unit: `{0}` not in hierarchy of current user: `{1}`',
    description: {
      en: "The organisation unit is outside the user's data capture organisation units.",
      fr: "L'unité d'organisation est hors des unités de saisie de l'utilisateur.",
    },
  },
  {
    code: 'E7618',
    level: 'dataValue',
    property: 'value',
    args: ['dataElement'],
    message: 'Data value or comment not specified for data element: `{0}`',
    description: {
      en: 'Neither a value nor a comment (null), and the value is not being deleted.',
      fr: "Ni valeur ni commentaire (null), et il ne s'agit pas d'une suppression.",
    },
  },
  {
    code: 'E7619',
    level: 'dataValue',
    property: 'value',
    args: ['dataElement', 'i18n'],
    message: 'Value must match value type of data element `{0}`: `{1}`',
    description: {
      en: "The value does not match the data element's value type (the i18n key says how).",
      fr: "La valeur ne correspond pas au type de valeur de l'élément (la clé i18n précise pourquoi).",
    },
  },
  {
    code: 'E7620',
    level: 'dataValue',
    property: 'comment',
    args: ['i18n'],
    message: 'Invalid comment: {0}',
    description: {
      en: 'The comment is longer than 50,000 characters.',
      fr: 'Le commentaire dépasse 50 000 caractères.',
    },
  },
  {
    code: 'E7630',
    level: 'dataValue',
    property: 'categoryOptionCombo',
    args: [],
    message: 'Category option combo is required but is not specified',
    description: {
      en: 'requireCategoryOptionCombo is on and the value has no category option combo.',
      fr: "requireCategoryOptionCombo est activé et la valeur n'a pas de combinaison de catégories.",
    },
  },
  {
    code: 'E7631',
    level: 'dataValue',
    property: 'attributeOptionCombo',
    args: [],
    message: 'Attribute option combo is required but is not specified',
    description: {
      en: 'requireAttributeOptionCombo is on and the value has no attribute option combo.',
      fr: "requireAttributeOptionCombo est activé et la valeur n'a pas de combinaison d'attributs.",
    },
  },
  {
    code: 'E7632',
    level: 'dataValue',
    args: ['period', 'dataElement'],
    message: 'Period type of period: `{0}` not valid for data element: `{1}`',
    description: {
      en: "strictPeriods is on and the period's type is not the period type of the element's data sets.",
      fr: "strictPeriods est activé et le type de la période n'est pas celui des jeux de données de l'élément.",
    },
  },
  {
    code: 'E7633',
    level: 'dataValue',
    property: 'dataElement',
    args: ['dataElement', 'dataSet'],
    message: 'Data element: `{0}` is not part of dataset(s): `{1}`',
    description: {
      en: 'strictDataElements is on and the data element is not in the payload’s data set.',
      fr: "strictDataElements est activé et l'élément n'appartient pas au jeu de données de l'envoi.",
    },
  },
  {
    code: 'E7634',
    level: 'dataValue',
    property: 'categoryOptionCombo',
    args: ['categoryOptionCombo', 'dataElement'],
    message: 'Category option combo: `{0}` must be part of category combo of data element: `{1}`',
    description: {
      en: "strictCategoryOptionCombos is on and the combo is not one of the element's (a data set element's override wins).",
      fr: "strictCategoryOptionCombos est activé et la combinaison n'est pas une de celles de l'élément (la surcharge du jeu de données prime).",
    },
  },
  {
    code: 'E7635',
    level: 'dataValue',
    property: 'attributeOptionCombo',
    args: ['categoryOptionCombo', 'dataElement'],
    message: 'Attribute option combo: `{0}` must be part of category combo of data sets of data element: `{1}`',
    description: {
      en: "strictAttributeOptionCombos is on and the attribute option combo is not one of the data sets' attribute combos.",
      fr: "strictAttributeOptionCombos est activé et la combinaison d'attributs n'est pas une de celles des jeux de données.",
    },
  },
  {
    code: 'E7636',
    level: 'dataValue',
    property: 'orgUnit',
    args: ['organisationUnit', 'dataElement'],
    message: 'Data element: `{1}` must be assigned through data sets to organisation unit: `{0}`',
    description: {
      en: 'strictOrganisationUnits is on and no data set holding the element is assigned to the organisation unit.',
      fr: "strictOrganisationUnits est activé et aucun jeu de données contenant l'élément n'est attribué à l'unité.",
    },
  },
  {
    code: 'E7637',
    level: 'dataValue',
    property: 'storedBy',
    args: ['i18n'],
    message: 'Invalid storedBy: {0}',
    description: { en: 'storedBy is longer than 255 characters.', fr: 'storedBy dépasse 255 caractères.' },
  },
  {
    code: 'E7638',
    level: 'dataValue',
    property: 'period',
    args: ['period', 'categoryOptionCombo'],
    message: 'Period: `{0}` is not within date range of attribute option combo: `{1}`',
    description: {
      en: "The period lies outside the start/end dates of the attribute option combo's options.",
      fr: "La période est hors des dates de début et de fin des options de la combinaison d'attributs.",
    },
  },
  {
    code: 'E7639',
    level: 'dataValue',
    property: 'orgUnit',
    args: ['organisationUnit', 'categoryOptionCombo'],
    message: 'Organisation unit: `{0}` is not valid for attribute option combo: `{1}`',
    description: {
      en: "The organisation unit is outside the organisation units of the attribute option combo's options.",
      fr: "L'unité d'organisation est hors des unités des options de la combinaison d'attributs.",
    },
  },
  {
    code: 'E7640',
    level: 'dataValue',
    property: 'period',
    args: ['period', 'dataSet'],
    message: 'Current date is past expiry days for period: `{0}`  and data set: `{1}`',
    description: {
      en: 'The period is closed: today is later than its end date plus the data set’s expiry days (F_EDIT_EXPIRED or a superuser’s force passes).',
      fr: "La période est close : aujourd'hui dépasse sa date de fin plus les jours d'expiration du jeu de données (F_EDIT_EXPIRED ou force d'un superutilisateur passent).",
    },
  },
  {
    code: 'E7641',
    level: 'dataValue',
    property: 'period',
    args: ['period', 'dataElement', 'dataSet', 'extra'],
    message: 'Period: `{0}` is after latest open future period: `{3}` for data element: `{1}` and data set: `{2}`',
    description: {
      en: "The period is in the future beyond the data set's open future periods (always checked, unless a superuser forces).",
      fr: "La période est dans le futur au-delà des périodes futures ouvertes du jeu de données (toujours vérifié, sauf force d'un superutilisateur).",
    },
  },
] as const satisfies readonly DataValueRule[]

export type DataValueRuleCode = (typeof DATA_VALUE_RULES)[number]['code']

const RULES_BY_CODE: ReadonlyMap<string, DataValueRule> = new Map(
  DATA_VALUE_RULES.map((r) => [r.code, r as DataValueRule]),
)

export function dataValueRule(code: DataValueRuleCode): DataValueRule {
  return RULES_BY_CODE.get(code) as DataValueRule
}

// ---------------------------------------------------------------------------------------------------
// Conflicts
// ---------------------------------------------------------------------------------------------------

/** One import conflict, in DHIS2's JSON shape minus `indexes` (the import adds those when grouping). */
export interface DataValueConflict {
  errorCode: DataValueRuleCode
  /** The first entry of `objects` (DHIS2's `object`), absent when there is none. */
  object?: string
  objects: Record<string, string>
  /** The message (DHIS2 serialises it as the conflict's `value`). */
  message: string
  property?: string
}

/**
 * Builds a conflict the way DHIS2's `ImportConflict.createConflict` does: each argument typed as an
 * object goes into `objects` under its type's singular name, an i18n key under the rule's property;
 * the message is the rule's text with the arguments (missing ones print `null`, as Java's MessageFormat).
 */
export function createConflict(code: DataValueRuleCode, ...args: (string | null | undefined)[]): DataValueConflict {
  const rule = dataValueRule(code)
  const objects: Record<string, string> = {}
  rule.args.forEach((type, i) => {
    const arg = args[i]
    if (arg === undefined || arg === null || type === 'extra') return
    const key = type === 'i18n' ? rule.property : type
    if (key !== undefined && !(key in objects)) objects[key] = arg
  })
  const message = rule.message.replace(/\{(\d)\}/g, (_m, n: string) => {
    const arg = args[Number(n)]
    return arg === undefined || arg === null ? 'null' : arg
  })
  const conflict: DataValueConflict = { errorCode: code, objects, message }
  const first = Object.values(objects)[0]
  if (first !== undefined) conflict.object = first
  if (rule.property !== undefined) conflict.property = rule.property
  return conflict
}

// ---------------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------------

export type ImportStrategy = 'CREATE' | 'UPDATE' | 'CREATE_AND_UPDATE' | 'DELETE'

/** The id scheme of each kind of identifier in the payload (default UID). */
export interface DataValueIdSchemes {
  dataElement: IdScheme
  orgUnit: IdScheme
  categoryOptionCombo: IdScheme
  /** Defaults to the category option combo scheme, as DHIS2 reads both combos with one scheme. */
  attributeOptionCombo: IdScheme
  dataSet: IdScheme
}

/** The import options the rules depend on (already OR-ed with the `keyDataImport…` system settings). */
export interface DataValueRuleOptions {
  idSchemes?: Partial<DataValueIdSchemes>
  importStrategy?: ImportStrategy
  strictPeriods?: boolean
  strictDataElements?: boolean
  strictCategoryOptionCombos?: boolean
  strictAttributeOptionCombos?: boolean
  strictOrganisationUnits?: boolean
  /** Every target data set must be open, not just one (E7640). */
  strictDataSetLocking?: boolean
  requireCategoryOptionCombo?: boolean
  requireAttributeOptionCombo?: boolean
  /** Skips the expiry and future-period checks — only for superusers (`InputUtils.canForceDataInput`). */
  force?: boolean
}

/** Who imports: what the hierarchy, expiry and force checks need. */
export interface DataValueRuleUser {
  /** The user's UID (E7617 names the user by UID). */
  id: string
  username: string
  /** Data capture org units: a value's org unit must be one of them or lie below one. */
  captureOrgUnitIds: readonly string[]
  authorities: ReadonlySet<string> | readonly string[]
  /** Holds `ALL`. */
  isSuperuser: boolean
  /** Data write sharing of a data set (E7601). Without it every data set is writable. */
  canWriteDataSet?: (dataSet: DataSet) => boolean
  /** Data write sharing of a category option, by UID (E7614, E7616). Without it every option is writable. */
  canWriteCategoryOption?: (optionId: string) => boolean
}

/** One data value as sent (JSON strings; followup/deleted may also be booleans). */
export interface DataValueInput {
  dataElement?: string | null
  period?: string | null
  orgUnit?: string | null
  categoryOptionCombo?: string | null
  attributeOptionCombo?: string | null
  value?: string | null
  comment?: string | null
  followup?: boolean | string | null
  deleted?: boolean | string | null
  storedBy?: string | null
}

/** The payload-level fields of a data value set. */
export interface DataValueSetHeader {
  dataSet?: string | null
  period?: string | null
  orgUnit?: string | null
  attributeOptionCombo?: string | null
}

/** The resolved payload level: what every value of the set inherits. */
export interface DataSetContext {
  dataSet?: DataSet
  /** The payload-level period; when it does not parse, each value's own period is used. */
  period?: Period
  orgUnit?: OrganisationUnit
  attributeOptionCombo?: CategoryOptionCombo
  /** The raw payload-level identifiers, for conflict messages of values that do not repeat them. */
  raw: DataValueSetHeader
}

export type DataSetCheck = { ok: true; context: DataSetContext } | { ok: false; conflict: DataValueConflict }

/** A value that passed every rule: the resolved UIDs and what the import needs to store it. */
export interface ResolvedDataValue {
  ok: true
  dataElement: string
  /** The canonical ISO id (`2026W1` for `2026W01`). */
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo: string
  /** Trimmed, booleans normalised ('1' → 'true'); null when blank. */
  value: string | null
  /** Trimmed; null when blank. */
  comment: string | null
  followup: boolean
  deleted: boolean
  /** A zero that the element does not store: skipped on create, deletes on update (web-api §2.5). */
  zeroInsignificant: boolean
}

export interface RejectedDataValue {
  ok: false
  conflict: DataValueConflict
}

export type DataValueCheck = ResolvedDataValue | RejectedDataValue

// ---------------------------------------------------------------------------------------------------
// Data-set level (abort the import: status ERROR)
// ---------------------------------------------------------------------------------------------------

const DEFAULT_SCHEMES: DataValueIdSchemes = {
  dataElement: 'UID',
  orgUnit: 'UID',
  categoryOptionCombo: 'UID',
  attributeOptionCombo: 'UID',
  dataSet: 'UID',
}

export function resolveIdSchemes(schemes: Partial<DataValueIdSchemes> = {}): DataValueIdSchemes {
  const coc = schemes.categoryOptionCombo ?? DEFAULT_SCHEMES.categoryOptionCombo
  return {
    dataElement: schemes.dataElement ?? DEFAULT_SCHEMES.dataElement,
    orgUnit: schemes.orgUnit ?? DEFAULT_SCHEMES.orgUnit,
    categoryOptionCombo: coc,
    attributeOptionCombo: schemes.attributeOptionCombo ?? coc,
    dataSet: schemes.dataSet ?? DEFAULT_SCHEMES.dataSet,
  }
}

const blank = (text: string | null | undefined): text is null | undefined | '' =>
  text === null || text === undefined || text.trim() === ''

/**
 * The data-set level checks, in DHIS2's order: E7600 (unknown data set), E7601 (no data write access),
 * E7602 (strictDataElements without a data set), E7603 (unknown payload org unit), E7604 (unknown
 * payload attribute option combo). Any of them aborts the whole import.
 */
export function checkDataSetLevel(args: {
  index: MetadataIndex
  options?: DataValueRuleOptions
  user: DataValueRuleUser
  header: DataValueSetHeader
}): DataSetCheck {
  const { index, user, header } = args
  const options = args.options ?? {}
  const schemes = resolveIdSchemes(options.idSchemes)
  const objects = index.objects
  const dataSetRaw = blank(header.dataSet) ? undefined : header.dataSet.trim()
  const dataSet = dataSetRaw === undefined ? undefined : objects.dataSets.get(dataSetRaw, schemes.dataSet)
  if (dataSetRaw !== undefined && !dataSet) return { ok: false, conflict: createConflict('E7600', header.dataSet) }
  if (dataSet && user.canWriteDataSet && !user.canWriteDataSet(dataSet)) {
    return { ok: false, conflict: createConflict('E7601', header.dataSet) }
  }
  if (!dataSet && options.strictDataElements) return { ok: false, conflict: createConflict('E7602') }
  const orgUnitRaw = blank(header.orgUnit) ? undefined : header.orgUnit.trim()
  const orgUnit = orgUnitRaw === undefined ? undefined : objects.organisationUnits.get(orgUnitRaw, schemes.orgUnit)
  if (orgUnitRaw !== undefined && !orgUnit)
    return { ok: false, conflict: createConflict('E7603', header.orgUnit, header.dataSet) }
  const aocRaw = blank(header.attributeOptionCombo) ? undefined : header.attributeOptionCombo.trim()
  const aoc = aocRaw === undefined ? undefined : objects.categoryOptionCombos.get(aocRaw, schemes.attributeOptionCombo)
  if (aocRaw !== undefined && !aoc) {
    return { ok: false, conflict: createConflict('E7604', header.attributeOptionCombo, header.dataSet) }
  }
  const periodRaw = blank(header.period) ? undefined : header.period.trim()
  return {
    ok: true,
    context: {
      dataSet,
      period: periodRaw === undefined ? undefined : parsePeriod(periodRaw),
      orgUnit,
      attributeOptionCombo: aoc,
      raw: header,
    },
  }
}

// ---------------------------------------------------------------------------------------------------
// Per value
// ---------------------------------------------------------------------------------------------------

const COMMENT_MAX_LENGTH = 50000
const STORED_BY_MAX_LENGTH = 255

const truthy = (flag: boolean | string | null | undefined): boolean =>
  flag === true || (typeof flag === 'string' && flag.toLowerCase() === 'true')

/** 'YYYY-MM-DD' plus some days, in plain UTC day arithmetic (no time zone can move it). */
function addDaysToDate(date: string, days: number): string {
  const t =
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86400000
  return new Date(t).toISOString().slice(0, 10)
}

/**
 * Validates data values of one import against the rules. Build it once per import (it caches period
 * parsing, hierarchy, expiry and future-period answers) and call `check` for each value.
 */
export class DataValueValidator {
  readonly schemes: DataValueIdSchemes
  readonly context: DataSetContext
  private readonly today: string
  private readonly captureIds: ReadonlySet<string>
  private readonly canEditExpired: boolean
  private readonly forced: boolean
  private readonly deleteStrategy: boolean
  private readonly periods = new Map<string, Period | null>()
  private readonly inHierarchy = new Map<string, boolean>()
  private readonly locked = new Map<string, boolean>()
  /** With a payload data set, the only target data set of every value. */
  private readonly headerTargets: DataSet[] | undefined
  private readonly latestOpen = new Map<string, Period>()
  private readonly comboCocs = new Map<string, ReadonlySet<string>>()
  private readonly elementPeriodTypes = new Map<string, ReadonlySet<string>>()
  /** Data element id → org unit id → assigned (two levels: no key string built per value checked). */
  private readonly elementOrgUnit = new Map<string, Map<string, boolean>>()
  private readonly aocRanges = new Map<string, { start?: string; end?: string; orgUnits?: string[] }>()

  constructor(
    readonly index: MetadataIndex,
    readonly options: DataValueRuleOptions,
    readonly user: DataValueRuleUser,
    /** Server-local now, `yyyy-MM-ddTHH:mm:ss(.SSS)` or just the date. */
    now: string,
    context?: DataSetContext,
  ) {
    this.schemes = resolveIdSchemes(options.idSchemes)
    this.context = context ?? { raw: {} }
    this.headerTargets = this.context.dataSet ? [this.context.dataSet] : undefined
    this.today = now.slice(0, 10)
    this.captureIds = new Set(user.captureOrgUnitIds)
    const authorities =
      user.authorities instanceof Set ? user.authorities : new Set(user.authorities as readonly string[])
    this.canEditExpired = user.isSuperuser || authorities.has('ALL') || authorities.has('F_EDIT_EXPIRED')
    this.forced = options.force === true && (user.isSuperuser || authorities.has('ALL'))
    this.deleteStrategy = options.importStrategy === 'DELETE'
  }

  /** Checks one value; the first failing rule wins, in DHIS2's order. */
  check(dv: DataValueInput): DataValueCheck {
    const { index, context, schemes, options } = this
    const objects = index.objects
    const raw = context.raw
    // Raw identifiers for messages: the value's own, else the payload's (DHIS2 prints `null` there).
    const rawPeriod = dv.period ?? raw.period
    const rawOrgUnit = dv.orgUnit ?? raw.orgUnit
    const rawAoc = dv.attributeOptionCombo ?? raw.attributeOptionCombo

    const element = blank(dv.dataElement)
      ? undefined
      : objects.dataElements.get(dv.dataElement.trim(), schemes.dataElement)
    if (!element) return reject(createConflict('E7610', dv.dataElement))
    const period = context.period ?? this.period(dv.period)
    if (!period) return reject(createConflict('E7611', rawPeriod))
    const orgUnit =
      context.orgUnit ??
      (blank(dv.orgUnit) ? undefined : objects.organisationUnits.get(dv.orgUnit.trim(), schemes.orgUnit))
    if (!orgUnit) return reject(createConflict('E7612', rawOrgUnit))
    const cocRaw = blank(dv.categoryOptionCombo) ? undefined : dv.categoryOptionCombo.trim()
    let coc = cocRaw === undefined ? undefined : objects.categoryOptionCombos.get(cocRaw, schemes.categoryOptionCombo)
    if (cocRaw !== undefined && !coc) return reject(createConflict('E7613', dv.categoryOptionCombo))
    const closedCoc = coc ? this.unwritableOption(coc) : undefined
    if (coc && closedCoc) return reject(createConflict('E7614', cocRaw ?? coc.id, closedCoc))
    let aoc = context.attributeOptionCombo
    if (!aoc) {
      const aocRaw = blank(dv.attributeOptionCombo) ? undefined : dv.attributeOptionCombo.trim()
      aoc = aocRaw === undefined ? undefined : objects.categoryOptionCombos.get(aocRaw, schemes.attributeOptionCombo)
      if (aocRaw !== undefined && !aoc) return reject(createConflict('E7615', dv.attributeOptionCombo))
    }
    const closedAoc = aoc ? this.unwritableOption(aoc) : undefined
    if (aoc && closedAoc) return reject(createConflict('E7616', rawAoc ?? aoc.id, closedAoc))
    if (!this.isInHierarchy(orgUnit)) return reject(createConflict('E7617', rawOrgUnit, this.user.id))

    const valueNull = dv.value === null || dv.value === undefined
    const deleted = truthy(dv.deleted)
    if (valueNull && (dv.comment === null || dv.comment === undefined) && !deleted && !this.deleteStrategy) {
      return reject(createConflict('E7618', dv.dataElement))
    }
    const valueText = valueNull ? '' : String(dv.value)
    const typeError = valueNull ? null : validateValue(element.valueType, valueText)
    if (typeError) return reject(createConflict('E7619', dv.dataElement, typeError))
    if (typeof dv.comment === 'string' && dv.comment.trim() !== '' && dv.comment.length > COMMENT_MAX_LENGTH) {
      return reject(createConflict('E7620', 'comment_length_greater_than_max_length'))
    }

    // Constraints.
    const fallback = index.defaultCategoryOptionComboId
    if (!coc) {
      if (options.requireCategoryOptionCombo) return reject(createConflict('E7630'))
      coc = objects.categoryOptionCombos.byId.get(fallback)
    }
    if (!aoc) {
      if (options.requireAttributeOptionCombo) return reject(createConflict('E7631'))
      aoc = objects.categoryOptionCombos.byId.get(fallback)
    }
    const cocId = coc?.id ?? fallback
    const aocId = aoc?.id ?? fallback
    const targets = this.headerTargets ?? index.dataSetsOf(element.id)
    if (options.strictPeriods && !this.periodTypesOf(element).has(period.periodType)) {
      return reject(createConflict('E7632', rawPeriod, dv.dataElement))
    }
    if (
      options.strictDataElements &&
      context.dataSet &&
      !index.dataSetsOf(element.id).some((ds) => ds.id === context.dataSet?.id)
    ) {
      return reject(createConflict('E7633', dv.dataElement, context.dataSet.id))
    }
    if (options.strictCategoryOptionCombos && !this.cocAllowed(element, cocId)) {
      return reject(createConflict('E7634', dv.categoryOptionCombo ?? cocId, dv.dataElement))
    }
    if (options.strictAttributeOptionCombos && !this.aocAllowed(element, aocId)) {
      return reject(createConflict('E7635', rawAoc ?? aocId, dv.dataElement))
    }
    if (options.strictOrganisationUnits && !this.elementAssignedTo(element, orgUnit)) {
      return reject(createConflict('E7636', rawOrgUnit, dv.dataElement))
    }
    if (typeof dv.storedBy === 'string' && dv.storedBy.length > STORED_BY_MAX_LENGTH) {
      return reject(createConflict('E7637', 'stored_by_length_greater_than_max_length'))
    }
    if (aoc) {
      const range = this.aocRange(aoc)
      if (
        (range.start !== undefined && range.start > period.endDate) ||
        (range.end !== undefined && range.end < period.startDate)
      ) {
        return reject(createConflict('E7638', rawPeriod, rawAoc ?? aocId))
      }
      if (range.orgUnits && !range.orgUnits.some((id) => index.isWithin(orgUnit, id))) {
        return reject(createConflict('E7639', rawOrgUnit, rawAoc ?? aocId))
      }
    }
    if (!this.forced && targets.length > 0) {
      const expired = this.expiryConflict(targets, period, rawPeriod)
      if (expired) return reject(expired)
      for (const ds of targets) {
        const latest = this.latestOpenPeriod(ds)
        if (period.startDate > latest.endDate)
          return reject(createConflict('E7641', rawPeriod, dv.dataElement, ds.id, latest.id))
      }
    }

    const normalised = valueNull ? '' : normalizeBoolean(valueText, element.valueType).trim()
    const comment = typeof dv.comment === 'string' ? dv.comment.trim() : ''
    return {
      ok: true,
      dataElement: element.id,
      period: period.id,
      orgUnit: orgUnit.id,
      categoryOptionCombo: cocId,
      attributeOptionCombo: aocId,
      value: normalised === '' ? null : normalised,
      comment: comment === '' ? null : comment,
      followup: truthy(dv.followup),
      deleted,
      zeroInsignificant:
        !valueNull &&
        isZeroAndInsignificant(valueText, element.valueType, element.zeroIsSignificant, element.aggregationType),
    }
  }

  /** The latest period of the data set open for data entry today (`PeriodType.getFuturePeriod`). */
  latestOpenPeriod(dataSet: DataSet): Period {
    let latest = this.latestOpen.get(dataSet.id)
    if (!latest) {
      // "Rewind one as 0 open periods implies current period is locked": previous period + openFuturePeriods.
      latest = addPeriods(periodForDate(dataSet.periodType, this.today), dataSet.openFuturePeriods - 1)
      this.latestOpen.set(dataSet.id, latest)
    }
    return latest
  }

  /** Whether the data set is closed for the period today (expiry only: no lock exceptions in Relais). */
  isExpired(dataSet: DataSet, period: Period): boolean {
    if (dataSet.expiryDays <= 0 || this.canEditExpired) return false
    const key = `${dataSet.id}|${period.id}`
    let locked = this.locked.get(key)
    if (locked === undefined) {
      locked = this.today > addDaysToDate(period.endDate, dataSet.expiryDays)
      this.locked.set(key, locked)
    }
    return locked
  }

  private expiryConflict(
    targets: DataSet[],
    period: Period,
    rawPeriod: string | null | undefined,
  ): DataValueConflict | undefined {
    // Not strict: one open target data set is enough (checkDataValueTargetDataSets).
    let first: DataValueConflict | undefined
    for (const ds of targets) {
      if (!this.isExpired(ds, period)) {
        if (!this.options.strictDataSetLocking) return undefined
        continue
      }
      first ??= createConflict('E7640', rawPeriod, ds.id)
    }
    return first
  }

  private period(rawPeriod: string | null | undefined): Period | undefined {
    if (blank(rawPeriod)) return undefined
    let period = this.periods.get(rawPeriod)
    if (period === undefined) {
      period = parsePeriod(rawPeriod.trim()) ?? null
      this.periods.set(rawPeriod, period)
    }
    return period ?? undefined
  }

  /** The first category option of the combo the user may not write data for (DHIS2 checks each, in order). */
  private unwritableOption(combo: CategoryOptionCombo): string | undefined {
    const canWrite = this.user.canWriteCategoryOption
    if (!canWrite) return undefined
    return combo.categoryOptions.find((option) => !canWrite(option.id))?.id
  }

  private isInHierarchy(orgUnit: OrganisationUnit): boolean {
    let inside = this.inHierarchy.get(orgUnit.id)
    if (inside === undefined) {
      inside = this.index.pathIds(orgUnit).some((id) => this.captureIds.has(id))
      this.inHierarchy.set(orgUnit.id, inside)
    }
    return inside
  }

  private optionCombosOf(comboId: string): ReadonlySet<string> {
    let cocs = this.comboCocs.get(comboId)
    if (!cocs) {
      cocs = new Set(this.index.objects.categoryCombos.byId.get(comboId)?.categoryOptionCombos.map((c) => c.id) ?? [])
      this.comboCocs.set(comboId, cocs)
    }
    return cocs
  }

  /** With a payload data set its element's combo (the data set element's override wins); else any of the element's combos. */
  private cocAllowed(element: DataElement, cocId: string): boolean {
    const combos = this.context.dataSet
      ? [this.index.categoryComboOf(element, this.context.dataSet)]
      : this.index.allowedCategoryCombos(element)
    for (const combo of combos) if (this.optionCombosOf(combo).has(cocId)) return true
    return false
  }

  private aocAllowed(element: DataElement, aocId: string): boolean {
    const dataSets = this.context.dataSet ? [this.context.dataSet] : this.index.dataSetsOf(element.id)
    return dataSets.some((ds) => this.optionCombosOf(ds.categoryCombo.id).has(aocId))
  }

  private periodTypesOf(element: DataElement): ReadonlySet<string> {
    let types = this.elementPeriodTypes.get(element.id)
    if (!types) {
      types = new Set(this.index.dataSetsOf(element.id).map((ds) => ds.periodType))
      this.elementPeriodTypes.set(element.id, types)
    }
    return types
  }

  private elementAssignedTo(element: DataElement, orgUnit: OrganisationUnit): boolean {
    let ofElement = this.elementOrgUnit.get(element.id)
    if (ofElement === undefined) {
      ofElement = new Map()
      this.elementOrgUnit.set(element.id, ofElement)
    }
    let assigned = ofElement.get(orgUnit.id)
    if (assigned === undefined) {
      assigned = this.index.dataSetsOf(element.id).some((ds) => this.index.isAssigned(ds.id, orgUnit.id))
      ofElement.set(orgUnit.id, assigned)
    }
    return assigned
  }

  /** The latest start and earliest end date of the combo's options, and the org units they are limited to. */
  private aocRange(aoc: CategoryOptionCombo) {
    let range = this.aocRanges.get(aoc.id)
    if (!range) {
      range = {}
      for (const ref of aoc.categoryOptions) {
        const option = this.index.objects.categoryOptions.byId.get(ref.id)
        if (!option) continue
        const start = option.startDate?.slice(0, 10)
        const end = option.endDate?.slice(0, 10)
        if (start && (range.start === undefined || start > range.start)) range.start = start
        if (end && (range.end === undefined || end < range.end)) range.end = end
        if (option.organisationUnits.length > 0)
          (range.orgUnits ??= []).push(...option.organisationUnits.map((o) => o.id))
      }
      this.aocRanges.set(aoc.id, range)
    }
    return range
  }
}

function reject(conflict: DataValueConflict): RejectedDataValue {
  return { ok: false, conflict }
}

/** Prepares a validator for one import (see DataValueValidator). */
export function createDataValueValidator(args: {
  index: MetadataIndex
  options?: DataValueRuleOptions
  user: DataValueRuleUser
  now: string
  context?: DataSetContext
}): DataValueValidator {
  return new DataValueValidator(args.index, args.options ?? {}, args.user, args.now, args.context)
}

/**
 * One-shot check of a single value (with an optional payload header): the data-set level conflict if
 * any, else the value's first conflict or its resolved ids. For many values build a validator once.
 */
export function validateDataValue(args: {
  index: MetadataIndex
  options?: DataValueRuleOptions
  user: DataValueRuleUser
  now: string
  dataValue: DataValueInput
  header?: DataValueSetHeader
}): DataValueCheck {
  const level = checkDataSetLevel({
    index: args.index,
    options: args.options,
    user: args.user,
    header: args.header ?? {},
  })
  if (!level.ok) return { ok: false, conflict: level.conflict }
  return createDataValueValidator({ ...args, context: level.context }).check(args.dataValue)
}
