// Reads and writes the reviews (reviews.ts) in DHIS2's dataStore, namespace `relais` (the app's own: its users
// may write it; new entries are shared rw publicly within it), and unmarks a follow-up in DHIS2 when a data
// manager closes a follow-up finding.
import { statusOf, type Dhis2Access } from '../shared/dhis2Access'
import type { Finding } from './findings'
import {
  REVIEW_KEY_PREFIX,
  readReviewDocument,
  reviewKey,
  withReview,
  type Review,
  type ReviewDocument,
} from './reviews'

const NAMESPACE = 'relais'

/** Every review of these months, by finding id (one query: the months' entries share a key prefix). */
export async function loadReviews(api: Dhis2Access, months: readonly string[]): Promise<Map<string, Review>> {
  let listed: unknown
  try {
    listed = await api.get(`dataStore/${NAMESPACE}`, {
      fields: '.',
      filter: `_:$like:${REVIEW_KEY_PREFIX}`,
      paging: false,
    })
  } catch (error) {
    // No entry at all yet in the namespace.
    if (statusOf(error) === 404) return new Map()
    throw error
  }
  // paging=false gives the entries as an array; a paged answer has them under `entries`.
  const rows = (Array.isArray(listed) ? listed : ((listed as { entries?: unknown[] }).entries ?? [])) as Array<{
    key?: unknown
    value?: unknown
  }>
  const wanted = new Set(months.map(reviewKey))
  const reviews = new Map<string, Review>()
  for (const row of rows) {
    if (typeof row.key !== 'string' || !wanted.has(row.key)) continue
    for (const [id, review] of Object.entries(readReviewDocument(row.value).reviews)) reviews.set(id, review)
  }
  return reviews
}

/**
 * Records the review in its month's entry (read, add, write back: two data managers reviewing the same month
 * at the same second could lose one review — rare, and it shows at the next load). A follow-up finding is
 * also unmarked in DHIS2, first: a review is only kept for a follow-up DHIS2 has let go.
 */
export async function saveReview(api: Dhis2Access, finding: Finding, review: Review): Promise<void> {
  if (finding.kind === 'followup' && finding.dataElement)
    await api.replace('dataValues/followup', {
      dataElement: finding.dataElement.id,
      period: finding.period,
      orgUnit: finding.orgUnit,
      categoryOptionCombo: finding.categoryOptionCombo?.id,
      attributeOptionCombo: finding.attributeOptionCombo,
      followup: false,
    })
  const resource = `dataStore/${NAMESPACE}/${reviewKey(finding.period)}`
  const stored: Review = finding.kind === 'followup' ? { ...review, finding } : review
  let current: ReviewDocument
  try {
    current = readReviewDocument(await api.get(resource))
  } catch (error) {
    if (statusOf(error) !== 404) throw error
    await api.create(resource, withReview({ reviews: {} }, finding.id, stored))
    return
  }
  await api.replace(resource, withReview(current, finding.id, stored))
}
