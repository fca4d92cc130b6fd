// A data manager's review of a finding (issue 15 §3): « vérifiée » (the value is right) or « corrigée » (it was
// fixed in DHIS2). Kept in the dataStore, one entry per month, `relais/quality-reviews-YYYYMM`, keyed by the
// finding's stable id: a month holds at most one review per finding, so the entry stays bounded. Who and when
// are written in the review. Pure: the reads and writes are in reviewStore.ts.
import type { RelaisRole } from '../roles/roles'
import type { Finding } from './findings'

export type ReviewStatus = 'checked' | 'corrected'

export interface Review {
  status: ReviewStatus
  by: { id: string; username: string; name: string }
  /** DHIS2's clock (server local time), as the app reads it. */
  at: string
  /**
   * A follow-up finding as it was: DHIS2 no longer lists the value once it is unmarked, and the screen still
   * shows the finding as reviewed.
   */
  finding?: Finding
}

export interface ReviewDocument {
  reviews: Record<string, Review>
}

export const REVIEW_KEY_PREFIX = 'quality-reviews-'

export const reviewKey = (period: string) => `${REVIEW_KEY_PREFIX}${period}`

/** Data managers and administrators mark findings; supervisors only see them. */
export const canReview = (roles: readonly RelaisRole[]) =>
  roles.includes('gestionnaire') || roles.includes('administrateur')

const STATUSES: readonly string[] = ['checked', 'corrected']

/** A stored entry as the app can trust its shape (anything else in it is left out). */
export function readReviewDocument(raw: unknown): ReviewDocument {
  const reviews: Record<string, Review> = {}
  const source = (raw as { reviews?: unknown } | null)?.reviews
  if (source && typeof source === 'object')
    for (const [id, value] of Object.entries(source as Record<string, unknown>)) {
      const r = value as Partial<Review> | null
      if (!r || typeof r.status !== 'string' || !STATUSES.includes(r.status) || typeof r.at !== 'string') continue
      const by = r.by as Partial<Review['by']> | undefined
      if (!by || typeof by.id !== 'string') continue
      const finding = r.finding as Partial<Finding> | undefined
      const kept =
        finding?.kind === 'followup' &&
        finding.id === id &&
        typeof finding.orgUnit === 'string' &&
        typeof finding.period === 'string'
      reviews[id] = {
        status: r.status as ReviewStatus,
        by: { id: by.id, username: String(by.username ?? ''), name: String(by.name ?? '') },
        at: r.at,
        ...(kept ? { finding: finding as Finding } : {}),
      }
    }
  return { reviews }
}

/** The entry with one more review (a second review of the same finding replaces the first). */
export function withReview(document: ReviewDocument, findingId: string, review: Review): ReviewDocument {
  return { reviews: { ...document.reviews, [findingId]: review } }
}

/** All months' reviews, by finding id. */
export type Reviews = ReadonlyMap<string, Review>

export const reviewOf = (reviews: Reviews, finding: Finding) => reviews.get(finding.id)

/** The findings, plus the reviewed follow-ups DHIS2 no longer lists (they were unmarked when reviewed). */
export function withReviewedFollowups(findings: readonly Finding[], reviews: Reviews): Finding[] {
  const known = new Set(findings.map((f) => f.id))
  const kept = [...reviews.values()].flatMap((r) => (r.finding && !known.has(r.finding.id) ? [r.finding] : []))
  return [...findings, ...kept]
}
