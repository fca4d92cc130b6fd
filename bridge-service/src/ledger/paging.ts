/** Paged lists, as the REST contract answers them: `{ items, pager: { page, pageSize, total, pageCount } }`. */

export const DEFAULT_PAGE_SIZE = 50
/** Bounds one answer, so that it stays far below the DHIS2 route's 256 KB cap. */
export const MAX_PAGE_SIZE = 500

export interface PageRequest {
  /** 1-based; default 1. */
  readonly page?: number
  /** 1…MAX_PAGE_SIZE; default DEFAULT_PAGE_SIZE. */
  readonly pageSize?: number
}

export interface Pager {
  readonly page: number
  readonly pageSize: number
  readonly total: number
  /** ceil(total / pageSize); 0 when there is nothing. */
  readonly pageCount: number
}

export interface Paged<T> {
  readonly items: T[]
  readonly pager: Pager
}

/** Checks a page request; answers page, pageSize and the SQL offset. Throws RangeError when out of bounds. */
export function pageBounds(request: PageRequest = {}): { page: number; pageSize: number; offset: number } {
  const page = request.page ?? 1
  const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE
  if (!Number.isSafeInteger(page) || page < 1) throw new RangeError(`page must be a whole number ≥ 1 (got ${page})`)
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${pageSize})`)
  }
  return { page, pageSize, offset: (page - 1) * pageSize }
}

export function paged<T>(items: T[], bounds: { page: number; pageSize: number }, total: number): Paged<T> {
  return {
    items,
    pager: { page: bounds.page, pageSize: bounds.pageSize, total, pageCount: Math.ceil(total / bounds.pageSize) },
  }
}
