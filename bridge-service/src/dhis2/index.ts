/** The bridge's DHIS2 adapter: client, import-summary interpretation, backoff, circuit breaker. */
export * from './backoff'
export * from './circuit-breaker'
export * from './client'
export * from './errors'
export * from './import-summary'
export * from './metadata'
export * from './resilient'
