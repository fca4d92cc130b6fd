/**
 * React Router 7's behaviours, opted into now (v6 warns about each until then): state updates in
 * startTransition, and relative paths inside splat routes resolved as v7 does.
 */
export const ROUTER_FUTURE = { v7_startTransition: true, v7_relativeSplatPath: true } as const
