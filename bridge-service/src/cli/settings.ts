/**
 * The environment and relais.config.yaml, checked before anything heavy is loaded or opened: a bad variable
 * or an unknown source answers in a fraction of a second, with one line (ConfigError, RelaisConfigError).
 */
import { loadEnv, type BridgeEnv } from '../config/env'
import { loadRelaisConfig, type RelaisConfig } from '../config/relais-config'

export interface CliSettings {
  readonly env: BridgeEnv
  readonly config: RelaisConfig & { readonly baseDir: string }
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): CliSettings {
  const bridge = loadEnv(env)
  return { env: bridge, config: loadRelaisConfig(bridge.configPath, env) }
}
