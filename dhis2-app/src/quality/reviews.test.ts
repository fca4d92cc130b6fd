import type { Finding } from './findings'
import { canReview, readReviewDocument, reviewKey, withReview, withReviewedFollowups, type Review } from './reviews'

const review: Review = {
  status: 'checked',
  by: { id: 'u1', username: 'gestionnaire', name: 'Afiavi' },
  at: '2026-12-06T10:00:00.000',
}

describe('reviews', () => {
  it('keys a month’s reviews by the month', () => {
    expect(reviewKey('202603')).toBe('quality-reviews-202603')
  })

  it('lets data managers and administrators review, not supervisors', () => {
    expect(canReview(['gestionnaire'])).toBe(true)
    expect(canReview(['administrateur'])).toBe(true)
    expect(canReview(['superviseur'])).toBe(false)
  })

  it('reads only well-formed reviews from a stored entry', () => {
    const document = readReviewDocument({
      reviews: {
        good: review,
        badStatus: { ...review, status: 'ignored' },
        noAuthor: { status: 'checked', at: 'x' },
      },
    })
    expect(document).toEqual({ reviews: { good: review } })
    expect(readReviewDocument(null)).toEqual({ reviews: {} })
  })

  it('replaces an earlier review of the same finding', () => {
    const first = withReview({ reviews: {} }, 'f1', review)
    const second = withReview(first, 'f1', { ...review, status: 'corrected' })
    expect(Object.keys(second.reviews)).toEqual(['f1'])
    expect(second.reviews.f1?.status).toBe('corrected')
  })

  it('keeps showing a reviewed follow-up that DHIS2 no longer lists', () => {
    const followup: Finding = {
      id: 'followup.rc.202603.de.coc.aoc',
      kind: 'followup',
      orgUnit: 'rc',
      period: '202603',
      attributeOptionCombo: 'aoc',
    }
    const stored = readReviewDocument({ reviews: { [followup.id]: { ...review, finding: followup } } })
    const reviews = new Map(Object.entries(stored.reviews))
    expect(withReviewedFollowups([], reviews)).toEqual([followup])
    expect(withReviewedFollowups([followup], reviews)).toEqual([followup])
  })
})
