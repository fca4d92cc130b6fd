/**
 * What the pipeline tells whoever watches it (the Prometheus metrics of api/metrics.ts in `relais serve`),
 * without depending on it: the method names and shapes are those of RelaisMetrics, so `observer: metrics`
 * fits, and the pipeline stays free of prom-client. Every method is optional; an observer that throws is
 * the observer's bug, never the push's (calls are guarded).
 */
import type { CircuitState } from '../dhis2/circuit-breaker'
import type { Dhis2ErrorKind, Dhis2ErrorReason } from '../dhis2/errors'
import type { Logger } from '../log/logger'

export interface PipelineObserver {
  /** One dataValueSets request answered (import summary received) after `ms`, carrying `values` values. */
  observePush?(ms: number, values?: number): void
  /** One DHIS2 request failed. */
  countDhis2Error?(kind: Dhis2ErrorKind, reason?: Dhis2ErrorReason): void
  /** A DHIS2 target's circuit breaker changed state. */
  setCircuit?(target: string, state: CircuitState): void
  /** A job of this process's workers completed (`complete` = a completion job on the push queue). */
  jobDone?(stage: 'map' | 'push' | 'complete'): void
}

/** Calls `notify` on the observer, logging (not throwing) what it throws. */
export function notify(
  logger: Logger,
  observer: PipelineObserver | undefined,
  call: (o: PipelineObserver) => void,
): void {
  if (!observer) return
  try {
    call(observer)
  } catch (error) {
    logger.warn({ err: { message: String(error) } }, 'pipeline observer failed')
  }
}
