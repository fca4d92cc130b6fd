/**
 * Small pieces `relais serve` uses to register itself (registry.ts): the bridge's version, and one pipeline
 * observer that tells several (the Prometheus metrics and the registry both want the circuit changes).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PipelineObserver } from '../pipeline/observer'

/** The bridge-service package's version (read once: the sources run through tsx, there is no build stamp). */
export function bridgeVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : 'unknown'
  } catch {
    return 'unknown'
  }
}

/**
 * Passes every call to each observer. Each is called on its own: one that throws does not keep the others
 * from hearing (the pipeline's `notify` guards the whole call only).
 */
export function observers(...list: PipelineObserver[]): PipelineObserver {
  const each = (call: (o: PipelineObserver) => void) => {
    const errors: unknown[] = []
    for (const o of list) {
      try {
        call(o)
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length > 0) throw errors[0]
  }
  return {
    observePush: (ms, values) => each((o) => o.observePush?.(ms, values)),
    countDhis2Error: (kind, reason) => each((o) => o.countDhis2Error?.(kind, reason)),
    setCircuit: (target, state) => each((o) => o.setCircuit?.(target, state)),
    jobDone: (stage) => each((o) => o.jobDone?.(stage)),
  }
}
