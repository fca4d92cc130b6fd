/**
 * Loads a module of the bridge when a verb first needs it, so that `relais <verb> --help` and bad usage
 * answer without loading PGlite, BullMQ or Express. The bridge is CommonJS (run through tsx's CJS hook):
 * a plain `require`, typed by the caller — `lazy<typeof import('./context')>('./context')`. Paths are
 * relative to this folder (src/cli).
 */
export function lazy<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T
}
