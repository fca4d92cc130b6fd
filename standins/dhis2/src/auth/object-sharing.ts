/**
 * The sharing of metadata objects as DHIS2 2.41 keeps and checks it (core@2.41 `Sharing`, `DefaultAclService`,
 * `AccessStringHelper`): access strings of 8 characters — metadata read, metadata write, data read, data write,
 * then four unused — on the public, on user groups and on single users.
 * - Which types are shared (their Hibernate mapping has a `sharing` column), and which carry data sharing
 *   (`setDataShareable(true)`: data sets and category options, among the programme's types).
 * - An object imported without sharing gets DHIS2's reset (`DefaultMetadataImportService.preCreateBundleObject`
 *   → `AclService.resetSharing`): the importer as owner, public `rw------` when they may make it public, no
 *   user or group access — so nobody but a superuser may read or write its data.
 * - `canDataWrite` / `canDataRead` (`DefaultAclService.canDataWrite`/`canDataRead` → `checkSharingPermission`):
 *   a superuser always; else the public access, a group the user belongs to, or the user's own access must
 *   grant it. Being the owner grants no data access.
 */
import type { Sharing } from '@relais/mappings'
import type { AuthUser } from '../context'

/** `sharing` as DHIS2 2.36+ renders and imports it. */
export type ObjectSharing = Sharing

/** The programme's types whose objects DHIS2 shares (among those the stand-in imports). */
export const SHAREABLE_TYPES: ReadonlySet<string> = new Set([
  'categoryOptions',
  'categories',
  'categoryCombos',
  'dataElements',
  'dataSets',
  'indicators',
  'validationRules',
  'validationRuleGroups',
  'organisationUnitGroups',
  'organisationUnitGroupSets',
  'userGroups',
  'userRoles',
  // Tracker (issue 19 §3): programs and stages carry data sharing (E1091 without data write), option sets metadata.
  'optionSets',
  'programs',
  'programStages',
])

/** DHIS2's `default` category option: `AccessStringHelper.CATEGORY_OPTION_DEFAULT`, everyone writes its data. */
export const DEFAULT_OPTION_SHARING: ObjectSharing = { public: 'rwrw----', external: false, users: {}, userGroups: {} }

/** `AclService.resetSharing` on import: public `rw------` when the importer may make the object public. */
export function resetSharing(owner: string, mayMakePublic: boolean): ObjectSharing {
  return {
    owner,
    external: false,
    public: mayMakePublic ? 'rw------' : '--------',
    users: {},
    userGroups: {},
  }
}

/** Whether an imported object's sharing must be reset: DHIS2 resets when `publicAccess` is empty. */
export const needsReset = (sharing: unknown): boolean =>
  !sharing || typeof sharing !== 'object' || !(sharing as ObjectSharing).public

const DATA_READ = 2
const DATA_WRITE = 3

function grants(sharing: ObjectSharing, user: AuthUser, position: number): boolean {
  const allows = (access: string | undefined) => access?.charAt(position) === (position % 2 === 0 ? 'r' : 'w')
  if (allows(sharing.public)) return true
  const groups = new Set(user.user.userGroups.map((g) => g.id))
  for (const entry of Object.values(sharing.userGroups ?? {}))
    if (groups.has(entry.id) && allows(entry.access)) return true
  return allows(sharing.users?.[user.user.id]?.access)
}

/**
 * An object the stand-in built before it kept sharing (a state file saved by an earlier version) has none: it
 * is taken as open to all, as every object was then; everything imported or seeded now carries its sharing.
 */
const sharingOf = (object: object): ObjectSharing | undefined => (object as { sharing?: ObjectSharing }).sharing

export function canDataWrite(user: AuthUser, object: object): boolean {
  const sharing = sharingOf(object)
  return user.isSuperuser || !sharing || grants(sharing, user, DATA_WRITE)
}

export function canDataRead(user: AuthUser, object: object): boolean {
  const sharing = sharingOf(object)
  return user.isSuperuser || !sharing || grants(sharing, user, DATA_READ)
}
