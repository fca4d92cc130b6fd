/**
 * Everything the stand-in knows, in memory: metadata, users and their credentials, data values,
 * completeness registrations, dataStore, messages, SMS, routes, system settings. `saveState` /
 * `loadState` write it to a JSON file on demand, so the demo keeps its data between restarts.
 */
import { MetadataIndex, type MetadataSnapshot, type User, type UserGroup, type UserRole } from '@relais/mappings'
import { DataValueStore } from './data-values'
import type { EventStore } from './events'
import type { TrackerMetadata } from './tracker-metadata'

export interface Credential {
  salt: string
  /** sha256(salt + password), hex: the stand-in never keeps a password in clear, not even in its file. */
  hash: string
}

export interface ApiToken {
  id: string
  /** sha256 of the whole token, as DHIS2 stores it. */
  keyHash: string
  userId: string
  expire?: number
  disabled?: boolean
  /** V1 (`d2pat_`, up to 2.40) or V2 (`d2p_`); V2 when absent. */
  type?: 'PERSONAL_ACCESS_TOKEN_V1' | 'PERSONAL_ACCESS_TOKEN_V2'
}

export interface Registration {
  dataSet: string
  period: string
  organisationUnit: string
  attributeOptionCombo: string
  /** Completion date: the only date that decides timeliness (analytics §4.5). */
  date: string
  storedBy: string
  lastUpdated: string
  lastUpdatedBy: string
  completed: boolean
}

export const registrationKey = (
  r: Pick<Registration, 'dataSet' | 'period' | 'organisationUnit' | 'attributeOptionCombo'>,
): string => `${r.dataSet}|${r.period}|${r.organisationUnit}|${r.attributeOptionCombo}`

/** DHIS2 sharing of one object: access strings such as `rw------` (metadata read, metadata write, …). */
export interface EntrySharing {
  public: string
  users: Record<string, string>
  userGroups: Record<string, string>
}

export interface DataStoreEntry {
  value: unknown
  created: string
  lastUpdated: string
  createdBy: string
  lastUpdatedBy: string
  /** Absent on entries saved before sharing was kept: DHIS2's default then (public `rw------`). */
  sharing?: EntrySharing
}

export interface Message {
  id: string
  text: string
  created: string
  sender?: string
  /** A ticket manager's note (`?internal=true`), hidden from the others on GET /{uid}. */
  internal?: boolean
  /** File resource uids (domain MESSAGE_ATTACHMENT) attached to the message. */
  attachments?: string[]
}

export interface MessageConversation {
  id: string
  subject: string
  messageType: 'PRIVATE' | 'FEEDBACK' | 'SYSTEM' | 'VALIDATION' | 'TICKET'
  created: string
  lastUpdated: string
  lastMessage: string
  createdBy?: string
  /** Users who take part (sender and every recipient, groups and org units expanded). */
  participants: string[]
  readBy: string[]
  messages: Message[]
  /** Ticket fields (absent: DHIS2's defaults — OPEN for a TICKET, else NONE; priority NONE; no assignee). */
  status?: 'NONE' | 'OPEN' | 'PENDING' | 'INVALID' | 'SOLVED'
  priority?: 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH'
  assignee?: string
}

/** An uploaded file (`POST /api/fileResources`), its bytes kept base64 so the state file stays JSON. */
export interface FileResourceRecord {
  id: string
  name: string
  contentType: string
  contentLength: number
  contentMd5: string
  domain: string
  created: string
  createdBy: string
  /** Attached to something (a message): it cannot be attached again. */
  assigned: boolean
  content: string
}

export interface OutboundSms {
  id: string
  message: string
  recipients: string[]
  date: string
  sender: string
  /** OutboundSmsStatus: DHIS2's gateways set SENT or FAILED; DELIVERED… where a gateway reports more. */
  status: 'OUTBOUND' | 'SENT' | 'ERROR' | 'PENDING' | 'SCHEDULED' | 'DELIVERED' | 'FAILED'
}

export interface RouteAuth {
  type: 'http-basic' | 'api-token' | 'api-headers' | 'api-query-params'
  username?: string
  password?: string
  token?: string
  headers?: Record<string, string>
  queryParams?: Record<string, string>
}

export interface Route {
  id: string
  code: string
  name: string
  description?: string
  disabled: boolean
  url: string
  headers: Record<string, string>
  auth?: RouteAuth
  authorities: string[]
  responseTimeoutSeconds: number
  created: string
  lastUpdated: string
}

/** A validation rule group (not in the mappings' snapshot: the engine has no use for it). */
export interface ValidationRuleGroup {
  id: string
  code?: string
  name: string
  created: string
  lastUpdated: string
  validationRules: { id: string }[]
}

/** One min–max range as DHIS2's `MinMaxValue` names it: org unit × data element × category option combo. */
export interface MinMaxValue {
  dataElement: string
  orgUnit: string
  optionCombo: string
  minValue: number
  maxValue: number
  generated: boolean
}

export interface StandinState {
  metadata: MetadataSnapshot
  validationRuleGroups?: ValidationRuleGroup[]
  users: User[]
  userGroups: UserGroup[]
  userRoles: UserRole[]
  credentials: Map<string, Credential>
  apiTokens: ApiToken[]
  dataValues: DataValueStore
  registrations: Map<string, Registration>
  dataStore: Map<string, Map<string, DataStoreEntry>>
  messageConversations: MessageConversation[]
  smsOutbound: OutboundSms[]
  smsGatewayConfigured: boolean
  routes: Route[]
  systemSettings: Record<string, unknown>
  /** Min–max ranges (api/min-max.ts); absent from state files saved before they existed. */
  minMaxValues?: MinMaxValue[]
  /** Uploaded files (api/file-resources.ts); absent from state files saved before they existed. */
  fileResources?: FileResourceRecord[]
  /** The seeded demo users' logins, printed at every start of the demo (documented in the README). */
  demoLogins?: { username: string; password: string; role: string; orgUnit: string; note: string }[]
  /** When the analytics tables were last generated (server-local timestamp); undefined = never. */
  lastAnalyticsTableSuccess?: string
  lastAnalyticsTableRuntime?: string
  /** Scheduled jobs (api/job-configurations.ts); absent from state files saved before they existed. */
  jobConfigurations?: JobConfigurationRecord[]
  /** Validation results persisted by rule analysis (api/data-quality.ts). */
  validationResults?: StoredValidationResult[]
  /** Programs, stages, option sets and options (store/tracker-metadata.ts); absent from older state files. */
  tracker?: TrackerMetadata
  /** Tracker events (store/events.ts, api/tracker.ts); absent from older state files. */
  events?: EventStore
}

/** A job configuration as `JobConfiguration` holds it (api/job-configurations.ts renders it). */
export interface JobConfigurationRecord {
  id: string
  name: string
  created: string
  lastUpdated: string
  createdBy?: string
  jobType: string
  schedulingType?: 'CRON' | 'FIXED_DELAY' | 'ONCE_ASAP'
  cronExpression?: string
  delay?: number
  jobParameters?: Record<string, unknown>
  enabled: boolean
  jobStatus?: string
  lastExecutedStatus: string
  lastExecuted?: string
  lastFinished?: string
  lastAlive?: string
  executedBy?: string
  /** The scheduler's last look at this job (local timestamp). */
  checkedAt?: string
}

/** A persisted `ValidationResult` (`GET /api/validationResults`). */
export interface StoredValidationResult {
  id: number
  created: string
  validationRule: string
  period: string
  organisationUnit: string
  attributeOptionCombo: string
  leftsideValue: number
  rightsideValue: number
  dayInPeriod: number
  notificationSent: boolean
}

/** The derived look-ups of a state; rebuilt when metadata or users change. */
export class StandinIndex {
  readonly metadata: MetadataIndex
  readonly usersById = new Map<string, User>()
  readonly usersByUsername = new Map<string, User>()
  readonly userGroupsById = new Map<string, UserGroup>()
  readonly userRolesById = new Map<string, UserRole>()

  constructor(state: StandinState) {
    this.metadata = new MetadataIndex(state.metadata)
    for (const u of state.users) {
      this.usersById.set(u.id, u)
      this.usersByUsername.set(u.username, u)
    }
    for (const g of state.userGroups) this.userGroupsById.set(g.id, g)
    for (const r of state.userRoles) this.userRolesById.set(r.id, r)
  }

  authoritiesOf(user: User): Set<string> {
    const authorities = new Set<string>()
    for (const r of user.userRoles) for (const a of this.userRolesById.get(r.id)?.authorities ?? []) authorities.add(a)
    return authorities
  }
}
