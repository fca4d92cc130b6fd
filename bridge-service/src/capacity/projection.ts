/**
 * Capacity planning (issue 17 §3), pure: from the ledger's monthly growth and the disk's headroom, where the ledger
 * will be in 12 and 24 months and when the disk fills; and the sizing of a deployment by number of RC from the
 * bytes one RC's month costs here.
 *
 * Growth is the mean of the last full months (up to six; the current month is partial and left out); a ledger
 * younger than a full month is projected from what it holds per day so far.
 */

export interface MonthGrowth {
  /** YYYY-MM */
  month: string
  /** Records that arrived that month (all sources). */
  records: number
  /** Bytes those records and their history take, from the tables' mean bytes per row. */
  bytes: number
}

export interface CapacityFacts {
  /** Today, UTC, YYYY-MM-DD. */
  today: string
  /** The ledger's size now (all its tables and indexes). */
  ledgerBytes: number
  /** Per month, oldest first, the current one last (partial). */
  growth: readonly MonthGrowth[]
  /** Free bytes where the ledger grows (the data folder's filesystem), when known. */
  diskFreeBytes?: number
  /** The RC reporting: to express the cost per RC and month. */
  activeRc?: number
}

export interface Projection {
  /** Bytes per month the ledger grows by (mean of recent full months). */
  bytesPerMonth: number
  recordsPerMonth: number
  in12Months: number
  in24Months: number
  /** The day the disk would fill at this pace; undefined when it does not grow or the headroom is unknown. */
  diskFullOn?: string
  /** Months of headroom left at this pace. */
  monthsLeft?: number
  /** Bytes one RC's month costs (records and history), when the RC count is known. */
  bytesPerRcMonth?: number
  /** A warning: the disk fills within 6 months, or the 12-month projection exceeds the headroom. */
  warning?: { fr: string; en: string }
}

const DAY = 86_400_000
const MONTH_DAYS = 30.44

export function project(facts: CapacityFacts): Projection {
  const current = facts.today.slice(0, 7)
  const full = facts.growth.filter((g) => g.month < current).slice(-6)
  let bytesPerMonth: number
  let recordsPerMonth: number
  if (full.length > 0) {
    bytesPerMonth = full.reduce((n, g) => n + g.bytes, 0) / full.length
    recordsPerMonth = full.reduce((n, g) => n + g.records, 0) / full.length
  } else {
    // Less than a month of history: this month's pace per day, over a month.
    const partial = facts.growth.find((g) => g.month === current)
    const day = Number(facts.today.slice(8, 10))
    bytesPerMonth = partial ? (partial.bytes / Math.max(day, 1)) * MONTH_DAYS : 0
    recordsPerMonth = partial ? (partial.records / Math.max(day, 1)) * MONTH_DAYS : 0
  }
  const projection: Projection = {
    bytesPerMonth: Math.round(bytesPerMonth),
    recordsPerMonth: Math.round(recordsPerMonth),
    in12Months: Math.round(facts.ledgerBytes + 12 * bytesPerMonth),
    in24Months: Math.round(facts.ledgerBytes + 24 * bytesPerMonth),
  }
  if (facts.activeRc && facts.activeRc > 0 && recordsPerMonth > 0)
    projection.bytesPerRcMonth = Math.round(bytesPerMonth / facts.activeRc)
  if (facts.diskFreeBytes !== undefined && bytesPerMonth > 0) {
    const monthsLeft = facts.diskFreeBytes / bytesPerMonth
    projection.monthsLeft = Math.round(monthsLeft * 10) / 10
    const full = new Date(Date.parse(`${facts.today}T00:00:00Z`) + monthsLeft * MONTH_DAYS * DAY)
    // Beyond a century the date means nothing: say it does not fill.
    if (monthsLeft < 1200) projection.diskFullOn = full.toISOString().slice(0, 10)
    if (monthsLeft < 6)
      projection.warning = {
        fr: `le disque sera plein vers le ${projection.diskFullOn} (${projection.monthsLeft} mois) : agrandissez-le ou archivez plus tôt (payloadRetentionDays)`,
        en: `the disk fills around ${projection.diskFullOn} (${projection.monthsLeft} months): grow it or archive sooner (payloadRetentionDays)`,
      }
    else if (12 * bytesPerMonth > facts.diskFreeBytes)
      projection.warning = {
        fr: `la croissance des 12 prochains mois dépasse la place libre : prévoyez plus de disque avant le ${projection.diskFullOn}`,
        en: `the next 12 months' growth exceeds the free space: plan more disk before ${projection.diskFullOn}`,
      }
  }
  return projection
}

/** What a deployment of `rc` RC needs for `months` months, from the bytes one RC's month costs. */
export function sizing(bytesPerRcMonth: number, rc: number, months: number): number {
  return Math.round(bytesPerRcMonth * rc * months)
}

export const formatBytes = (bytes: number) =>
  bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GiB`
    : bytes >= 1024 ** 2
      ? `${(bytes / 1024 ** 2).toFixed(1)} MiB`
      : `${(bytes / 1024).toFixed(0)} KiB`
