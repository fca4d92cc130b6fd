/** The seeded programme at one of three sizes: small (tests), demo (≈1,200 RC), large (20,000 RC). */
import { DataValueStore } from '../store/data-values'
import type { StandinState, ValidationRuleGroup } from '../store/state'
import { relaisPackage } from '@relais/metadata'
import { buildBlankMetadata, buildMetadata, type SeedSize } from './build-metadata'
import { seedData } from './build-data'
import type { SeededFinding } from './data-quality'
import { buildBlankUsers, buildUsers, type DemoLogin } from './users'
import { buildTrackerMetadata } from './tracker'
import { EventStore } from '../store/events'
import { emptyTrackerMetadata } from '../store/tracker-metadata'
import { createNationalState } from './national'

export { RC_COUNT, uid, type SeedSize } from './build-metadata'

/**
 * A seed: the programme at a size; `blank` — a fresh DHIS2 with only its root org unit and admin; or `national` —
 * Benin's national HMIS, with its own codes and no data (./national.ts), the target of the national push.
 */
export type SeedName = SeedSize | 'blank' | 'national'
export { DEMO_BRIDGE_TOKEN, DEMO_PASSWORD, type DemoLogin } from './users'
export { SMOOTH_Z, type SeededFinding } from './data-quality'

export interface SeedOptions {
  size: SeedName
  /** Seed number: the same number gives the same programme, users and reports. */
  seed?: number
  now: Date
  timeZone: string
  /** Months of reports before the current month (default 12; 0 = metadata and users only). */
  months?: number
}

export interface SeededState {
  state: StandinState
  logins: DemoLogin[]
  /**
   * The seed's data-quality findings, planted (./data-quality.ts): every outlier DHIS2's default detection
   * (Z_SCORE, threshold 3) finds in the seeded months and every validation-rule violation, and nothing else.
   */
  findings: SeededFinding[]
}

export function createSeededState(options: SeedOptions): SeededState {
  if (options.size === 'national') {
    // The national instance is a blank one (its root, admin / district) with the ministry's metadata on it.
    const blank = createSeededState({ ...options, size: 'blank' })
    return { ...blank, state: createNationalState({ now: options.now, timeZone: options.timeZone }) }
  }
  if (options.size === 'blank') {
    const metadata = buildBlankMetadata()
    const people = buildBlankUsers(metadata.organisationUnits[0]!, options.now.toISOString())
    const blank = stateOf(metadata, people, new DataValueStore(), new Map())
    blank.tracker = emptyTrackerMetadata()
    return { state: blank, logins: people.logins, findings: [] }
  }
  const seed = options.seed ?? 1
  const { snapshot, units } = buildMetadata(options.size, seed)
  const people = buildUsers(snapshot.organisationUnits, units.rcs, options.now.toISOString())
  const dataValues = new DataValueStore()
  const { registrations, findings } = seedData(dataValues, {
    rcs: units.rcs,
    inactive: units.inactive,
    seed,
    now: options.now,
    timeZone: options.timeZone,
    months: options.months ?? 12,
  })
  const state = stateOf(snapshot, people, dataValues, registrations)
  // The package's groups as they are (with DHIS2's times): the stand-in holds the whole object.
  state.validationRuleGroups = (
    JSON.parse(JSON.stringify(relaisPackage().validationRuleGroups)) as ValidationRuleGroup[]
  ).map((g) => ({ ...g, created: '2024-01-15T09:00:00.000', lastUpdated: '2024-01-15T09:00:00.000' }))
  // A seeded DHIS2 is one `relais setup` has been through: the administrators answer the help desk.
  const admins = state.userGroups.find((g) => g.code === 'RELAIS_ADMINS')
  if (admins) state.systemSettings.feedbackRecipients = admins.id
  // …and has given the bridge's account data access to the programme's data sets and options (the package
  // shares them with the Relais groups only).
  const bridge = state.users.find((u) => u.username === 'passerelle')
  const pkg = relaisPackage()
  const shared = new Set([...pkg.dataSets, ...pkg.categoryOptions].map((o) => o.id))
  for (const object of [...snapshot.dataSets, ...snapshot.categoryOptions])
    if (bridge && object.sharing && shared.has(object.id))
      object.sharing.users = { ...object.sharing.users, [bridge.id]: { id: bridge.id, access: 'r-rw----' } }
  // The event programs (issue 19 §3), assigned to every RC like the data sets; the bridge writes their events.
  const defaultCombo = snapshot.categoryCombos.find((c) => c.isDefault)!
  state.tracker = buildTrackerMetadata(units.rcs, { id: defaultCombo.id })
  for (const object of [...state.tracker.programs, ...state.tracker.programStages])
    if (bridge && object.sharing)
      object.sharing.users = { ...object.sharing.users, [bridge.id]: { id: bridge.id, access: 'r-rw----' } }
  return { state, logins: people.logins, findings }
}

/** The findings a seed would hold (it builds the seed: cache it in a test rather than call it often). */
export function seededFindings(options: SeedOptions): SeededFinding[] {
  return createSeededState(options).findings
}

function stateOf(
  metadata: StandinState['metadata'],
  people: ReturnType<typeof buildUsers>,
  dataValues: DataValueStore,
  registrations: StandinState['registrations'],
): StandinState {
  return {
    metadata,
    users: people.users,
    userGroups: people.userGroups,
    userRoles: people.userRoles,
    credentials: people.credentials,
    apiTokens: people.apiTokens,
    dataValues,
    registrations,
    dataStore: new Map(),
    messageConversations: [],
    smsOutbound: [],
    smsGatewayConfigured: false,
    routes: [],
    systemSettings: {
      applicationTitle: 'DHIS2 (stand-in) — CNLS-TP Bénin',
      helpPageLink: 'https://docs.dhis2.org/',
      keyUiLocale: 'fr',
      keyDbLocale: 'fr',
      analyticsFinancialYearStart: 'FINANCIAL_YEAR_OCTOBER',
      keyDataImportStrictPeriods: false,
      keyDataImportStrictDataElements: false,
      keyDataImportStrictCategoryOptionCombos: false,
      keyDataImportStrictOrganisationUnits: false,
      keyDataImportStrictAttributeOptionCombos: false,
      keyDataImportRequireCategoryOptionCombo: false,
      keyDataImportRequireAttributeOptionCombo: false,
    },
    lastAnalyticsTableSuccess: undefined,
    demoLogins: people.logins,
    events: new EventStore(),
  }
}
