/** The pipeline: intake → map → push over BullMQ, with the ledger as the source of truth (README.md). */
export { createPipeline, type Pipeline, type PipelineOptions } from './pipeline'
export * from './services'
export { MAP_QUEUE, PUSH_QUEUE, DEFAULT_RETRY, type RedisTarget, type RetrySettings } from './queues'
export type { DriftFinding } from './map/specs'
