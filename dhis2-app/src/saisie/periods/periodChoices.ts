import { addPeriods, periodForDate, type Period, type PeriodTypeName } from '../../shared/mappings'
import { addDays } from '../../shared/serverTime'

export interface PeriodRules {
  periodType: PeriodTypeName
  /** 0: the current period is not open yet (DHIS2: "0 open periods implies current period is locked"). */
  openFuturePeriods: number
  /** Days after the period's end during which values can still change; 0 = never locked. */
  expiryDays: number
}

export type PeriodChoice =
  | { period: Period; open: true }
  | {
      period: Period
      open: false
      /** First day on which the period is closed ('YYYY-MM-DD'). */
      closedSince: string
    }

/** The latest period open for entry today: the period before today's plus openFuturePeriods (as DHIS2). */
export function latestOpenPeriod(rules: PeriodRules, today: string): Period {
  return addPeriods(periodForDate(rules.periodType, today), rules.openFuturePeriods - 1)
}

/** When a period closes: the day after its end date plus expiryDays; undefined when it never does. */
export function closingDay(rules: PeriodRules, period: Period): string | undefined {
  return rules.expiryDays > 0 ? addDays(period.endDate, rules.expiryDays + 1) : undefined
}

/**
 * The periods offered, newest first: from the latest open one back `count` periods. Closed periods are
 * listed too (read-only, with the day they closed), unless the user may edit expired periods
 * (F_EDIT_EXPIRED or superuser), as DHIS2 decides.
 */
export function periodChoices(rules: PeriodRules, today: string, count = 12, canEditExpired = false): PeriodChoice[] {
  const latest = latestOpenPeriod(rules, today)
  const choices: PeriodChoice[] = []
  for (let i = 0; i < count; i++) {
    const period = addPeriods(latest, -i)
    const closes = closingDay(rules, period)
    if (closes !== undefined && today >= closes && !canEditExpired)
      choices.push({ period, open: false, closedSince: closes })
    else choices.push({ period, open: true })
  }
  return choices
}
