/**
 * DRF's LimitOffsetPagination links as kpi builds them (kobo-odk-api.md §A2, drf `utils/urls.py`):
 * the absolute request URL with `limit` set to the effective (capped) limit and `start` moved, every
 * query parameter kept and re-encoded in sorted key order with Python's `quote_plus`.
 */

/** Python's urllib.parse.quote_plus: only letters, digits and `_.-~` stay; space → `+`. */
export function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}

function withParams(base: string, params: URLSearchParams, set: Record<string, string | undefined>): string {
  const grouped = new Map<string, string[]>()
  for (const [key, value] of params) {
    if (key in set) continue
    grouped.set(key, [...(grouped.get(key) ?? []), value])
  }
  for (const [key, value] of Object.entries(set)) if (value !== undefined) grouped.set(key, [value])
  const query = [...grouped.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, values]) => values.map((v) => `${quotePlus(key)}=${quotePlus(v)}`))
    .join('&')
  return query ? `${base}?${query}` : base
}

export function pageLinks(
  base: string,
  params: URLSearchParams,
  start: number,
  limit: number,
  count: number,
): { next: string | null; previous: string | null } {
  const next =
    start + limit >= count ? null : withParams(base, params, { limit: String(limit), start: String(start + limit) })
  let previous: string | null = null
  if (start > 0) {
    // `start` is dropped altogether when the previous page is the first one.
    previous =
      start - limit <= 0
        ? withParams(base, params, { limit: String(limit), start: undefined })
        : withParams(base, params, { limit: String(limit), start: String(start - limit) })
  }
  return { next, previous }
}
