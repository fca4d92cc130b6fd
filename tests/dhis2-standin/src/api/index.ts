/**
 * Every API module of the stand-in, in registration order. Each is `(router, ctx) => void` and owns
 * its own paths under `/api` (the router also serves `/api/<version>/…`).
 */
import type { RegisterApi } from '../context'
import { registerApps } from './apps'
import { registerMetadata } from './metadata'
import { registerSystem } from './system'
import { registerTasks } from './tasks'

export const API_MODULES: RegisterApi[] = [registerSystem, registerTasks, registerMetadata, registerApps]
