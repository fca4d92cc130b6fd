/**
 * The DHIS2 stand-in as a package (`@relais/dhis2-standin`): what the demo, the benches and the tests use.
 * `npm run standin` starts it from the command line (cli.ts).
 */
export { createStandin, DEFAULT_OPTIONS } from './server'
export type { CreateStandinOptions, Standin } from './server'
export type { AuthUser, DataValueSetImportEvent, StandinContext, StandinOptions } from './context'
export { costOf, DHIS2_2_41_PACE, PACE_PRESETS } from './http/pace'
export type { Pace, PaceCost, PacePreset } from './http/pace'
export { createSeededState, DEMO_BRIDGE_TOKEN, DEMO_PASSWORD, RC_COUNT, seededFindings, uid } from './seed'
export type { DemoLogin, SeededFinding, SeedName, SeedSize } from './seed'
export { buildMetadata } from './seed/build-metadata'
export {
  createNationalState,
  NATIONAL_DATA_SET,
  NATIONAL_ELEMENTS,
  NATIONAL_MISSING_ZONE,
  nationalZoneCode,
  programmeZoneCodes,
} from './seed/national'
export { runAnalyticsTables } from './analytics/tables'
export { behaviourOf, parseVersion } from './versions'
export type { Dhis2Behaviour } from './versions'
// For tests that call a stand-in over HTTP as one of the seeded users.
export { basic, PASSWORDS, startStandin } from '../test/support'
export type { Client } from '../test/support'
