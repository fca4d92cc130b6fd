// Where the bridge is, seen from the app: only through the DHIS2 Route `relais-bridge` (DHIS2 adds the route's
// secret and X-Forwarded-User; no secret is ever in the browser). Pure.

export const ROUTE_CODE = 'relais-bridge'

/** The data engine resource (under /api/{version}/) of a bridge path such as `runs/42`. */
export function bridgeResource(path: string): string {
  return `routes/${ROUTE_CODE}/run/api/v1/${path.replace(/^\/+/, '')}`
}

export type QueryParams = Record<string, string | number>
