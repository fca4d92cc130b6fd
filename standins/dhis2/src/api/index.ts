/**
 * Every API module of the stand-in, in registration order. Each is `(router, ctx) => void` and owns
 * its own paths under `/api` (the router also serves `/api/<version>/…`).
 */
import type { RegisterApi } from '../context'
import { registerAnalytics } from './analytics'
import { registerApiTokens } from './api-tokens'
import { registerApps } from './apps'
import { registerCompleteDataSetRegistrations } from './complete-data-set-registrations'
import { registerDataQuality } from './data-quality'
import { registerDataValueSets } from './data-value-sets'
import { registerDataValues } from './data-values'
import { registerDatastore } from './datastore'
import { registerFileResources } from './file-resources'
import { registerJobConfigurations } from './job-configurations'
import { registerMaintenance } from './maintenance'
import { registerMessageConversations } from './message-conversations'
import { registerMetadata } from './metadata'
import { registerMetadataImport } from './metadata-import'
import { registerMinMax } from './min-max'
import { registerRoutes } from './routes'
import { registerSharing } from './sharing'
import { registerSms } from './sms'
import { registerSystem } from './system'
import { registerSystemSettings } from './system-settings'
import { registerTasks } from './tasks'
import { registerTesting } from './testing'
import { registerTracker } from './tracker'
import { registerTrackerTesting } from './tracker-testing'
import { registerUserAccountActions } from './user-account-actions'
import { registerUserSettings } from './user-settings'
import { registerUsersQuery } from './users-query'

export const API_MODULES: RegisterApi[] = [
  registerSystem,
  registerSystemSettings,
  registerUserSettings,
  registerTasks,
  registerUsersQuery,
  registerMetadata,
  registerMetadataImport,
  registerMaintenance,
  registerApps,
  registerApiTokens,
  registerDatastore,
  registerMessageConversations,
  registerFileResources,
  registerSms,
  registerRoutes,
  registerSharing,
  registerTesting,
  registerTrackerTesting,
  registerDataValueSets,
  registerTracker,
  registerDataQuality,
  registerDataValues,
  registerMinMax,
  registerCompleteDataSetRegistrations,
  registerAnalytics,
  registerJobConfigurations,
  registerUserAccountActions,
]
