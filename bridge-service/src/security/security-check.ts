/**
 * The daily security check (issue 16 §2): read DHIS2 (dhis2-snapshot.ts), judge (findings.ts), compare with the
 * previous report and keep the day's report in the ledger. Scheduled once a day across processes (the
 * scheduler's tick claims); an administrator may also run it now (API, CLI).
 */
import { localTimestamp } from '@relais/mappings'
import type { Dhis2Client } from '../dhis2'
import type { Db } from '../ledger'
import { securityReportsRepository, type SecurityReport } from '../ledger/security-reports'
import type { Logger } from '../log/logger'
import { PROGRAMME_TIME_ZONE } from '../reminders/reminder-job'
import { readSecuritySnapshot } from './dhis2-snapshot'
import { compareFindings, countBySeverity, securityFindings } from './findings'
import { policyOf } from './policy'

export interface BridgeFacts {
  apiKeys: { name: string; expires?: string }[]
  routeSecretRotating: boolean
}

export interface SecurityCheckDeps {
  db: Db
  dhis2: Dhis2Client
  logger: Logger
  /** The bridge's DHIS2 token, to tell its own among its account's tokens (only its hash is compared). */
  bridgeToken?: string
  /** The code of DHIS2's route to the bridge (relais setup makes `relais-bridge`). */
  routeCode?: string
  timeZone?: string
  /**
   * The bridge's own configuration to judge, read at each check (`relais secrets` changes it while the bridge
   * runs): its API keys' names and last days, and whether a route-secret rotation is open.
   */
  bridge?: () => Promise<BridgeFacts>
}

/** What the API needs of the check (the check is it). */
export interface SecurityService {
  run(actor: string): Promise<SecurityReport>
  report(day: string): Promise<SecurityReport | undefined>
  /** The newest report, if any. */
  latest(): Promise<SecurityReport | undefined>
  between(from: string, to: string): Promise<SecurityReport[]>
}

export class SecurityCheck implements SecurityService {
  private readonly repo

  constructor(private readonly deps: SecurityCheckDeps) {
    this.repo = securityReportsRepository(deps.db)
  }

  async run(actor = 'scheduler'): Promise<SecurityReport> {
    const { dhis2, logger } = this.deps
    const { snapshot, policy: stored } = await readSecuritySnapshot(dhis2, {
      ...(this.deps.bridgeToken ? { bridgeToken: this.deps.bridgeToken } : {}),
      routeCode: this.deps.routeCode ?? 'relais-bridge',
    })
    const { policy, problem } = policyOf(stored)
    const findings = securityFindings(
      { ...snapshot, ...(this.deps.bridge ? { bridge: await this.deps.bridge() } : {}) },
      policy,
    )
    // The programme's day, on DHIS2's clock: the report of « 6 décembre » is the one made that day in Benin.
    const day = localTimestamp(snapshot.now, this.deps.timeZone ?? PROGRAMME_TIME_ZONE).slice(0, 10)
    const previous = await this.repo.before(day)
    const { added, resolved } = compareFindings(previous?.findings, findings)
    const report = {
      day,
      actor,
      dhis2Version: snapshot.dhis2Version,
      findings,
      added,
      resolved,
      problems: problem ? [`relais/security-policy: ${problem}`] : [],
    }
    await this.repo.save(report)
    logger.info(
      { day, ...countBySeverity(findings), added: added.length, resolved: resolved.length },
      'security check done',
    )
    if (problem) logger.warn({ problem }, 'security policy in DHIS2 refused: the defaults apply')
    return (await this.repo.get(day))!
  }

  report(day: string): Promise<SecurityReport | undefined> {
    return this.repo.get(day)
  }

  async latest(): Promise<SecurityReport | undefined> {
    return (await this.repo.between('1970-01-01', '9999-12-31', 1))[0]
  }

  between(from: string, to: string): Promise<SecurityReport[]> {
    return this.repo.between(from, to)
  }
}
