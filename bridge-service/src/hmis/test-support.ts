/**
 * For the national HMIS tests only: the set-up they share, so that each test file says what it checks rather than
 * how the two DHIS2s and the ledger are made — and so that they all push the same month against the same data.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createStandin, runAnalyticsTables, type Standin } from '@relais/dhis2-standin'
import type { HmisConfig } from '../config/hmis-config'
import { Dhis2Client } from '../dhis2/client'
import { migrate, type Db } from '../ledger'
import { pgTestDatabase } from '../ledger/test-support'

/** The tests' today: November 2026, so that October (the stand-in's last month of reports) is the month pushed. */
export const HMIS_NOW = '2026-11-20T10:00:00Z'

/** DHIS2's time zone in Benin (UTC+1): the one the monthly push's dates are read in. */
export const TIME_ZONE = 'Africa/Porto-Novo'

/** The repository's root: the national spec is read from mappings/, as the shipped relais.config.yaml does. */
export const ROOT = join(__dirname, '..', '..', '..')

/** The shipped national spec, so that the tests check the mapping the programme really uses. */
export const SPEC_PATH = join(ROOT, 'mappings', 'specs', 'hmis', 'national-hmis.yaml')
export const readSpecText = (): string => readFileSync(SPEC_PATH, 'utf8')

/** The stand-ins' account (both of them): the national one's credentials come from env variables in the config. */
export const ADMIN_AUTH = { kind: 'basic' as const, username: 'admin', password: 'district' }

/** The environment the national account's variables (hmisConfig's usernameEnv, passwordEnv) are read from. */
export const HMIS_ENV = { HMIS_USERNAME: ADMIN_AUTH.username, HMIS_PASSWORD: ADMIN_AUTH.password }

/**
 * An `hmis:` section as relais.config.yaml's parser gives it (defaults filled in), enabled, pushing on the 16th.
 * Only the tests that push use its URL (they pass the national stand-in's) and credentials (HMIS_ENV).
 */
export function hmisConfig(overrides: Partial<HmisConfig> = {}): HmisConfig {
  return {
    url: 'https://snis.example.org',
    usernameEnv: 'HMIS_USERNAME',
    passwordEnv: 'HMIS_PASSWORD',
    mapping: SPEC_PATH,
    sourceDataSet: 'RC_MENSUEL',
    level: 3,
    pushDay: 16,
    enabled: true,
    ...overrides,
  }
}

export interface TwoDhis2 {
  /** The programme's DHIS2: the small seed with two months of reports (September and October 2026), analytics run. */
  programme: Standin
  /** The national one (seed 'national'): its own codes, and one zone (NATIONAL_MISSING_ZONE) it lacks. */
  national: Standin
  /** A client of the programme's DHIS2, as the bridge's own. */
  programmeClient(): Dhis2Client
  close(): Promise<void>
}

/**
 * Both DHIS2s listening on free ports. Analytics are run at once: the push reads the programme's values from
 * analytics, which a stand-in only serves once its tables are built.
 */
export async function startTwoDhis2(): Promise<TwoDhis2> {
  const programme = createStandin({ seed: 'small', now: HMIS_NOW, months: 2 })
  const national = createStandin({ seed: 'national', now: HMIS_NOW })
  await Promise.all([programme.listen(0, '127.0.0.1'), national.listen(0, '127.0.0.1')])
  await runAnalyticsTables(programme.ctx, {})
  return {
    programme,
    national,
    programmeClient: () => new Dhis2Client({ url: programme.url, auth: ADMIN_AUTH }),
    close: async () => void (await Promise.all([programme.close(), national.close()])),
  }
}

export interface HmisLedger {
  db: Db
  /** Closes it and drops the database. */
  dispose(): Promise<void>
}

/** A throwaway PostgreSQL ledger, migrated: the pushes and their report lines are kept there, as in production. */
export async function openHmisLedger(): Promise<HmisLedger> {
  const database = pgTestDatabase()
  const db = await database.open()
  await migrate(db)
  return { db, dispose: () => database.dispose() }
}
