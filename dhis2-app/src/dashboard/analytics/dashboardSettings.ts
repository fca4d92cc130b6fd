// The dashboard settings (`relais/dashboard-settings`: the Bon/Moyen thresholds) count only when an
// administrator wrote them last (issue 11 §7): the app users may write in the namespace, so anyone's value
// would otherwise set the classes for everyone. DHIS2 records the last writer in the entry's metaData.
import { statusOf, type Dhis2Access } from '../../shared/dhis2Access'
import { relaisGroups } from '../relaisGroups'

export const SETTINGS_KEY = 'dashboard-settings'

export type SettingsOrigin = 'none' | 'administrator' | 'untrusted'

export async function loadDashboardSettings(api: Dhis2Access): Promise<{ value: unknown; origin: SettingsOrigin }> {
  let value: unknown
  try {
    value = await api.get(`dataStore/relais/${SETTINGS_KEY}`)
  } catch (error) {
    // Missing (404, the usual case) or unreadable: the documented defaults apply.
    if (statusOf(error) === 404) return { value: null, origin: 'none' }
    return { value: null, origin: 'untrusted' }
  }
  const [meta, groups] = await Promise.all([
    api.get(`dataStore/relais/${SETTINGS_KEY}/metaData`) as Promise<{ lastUpdatedBy?: { id?: string } }>,
    relaisGroups(api),
  ])
  const writer = meta.lastUpdatedBy?.id
  return writer && groups.admins?.members.has(writer)
    ? { value, origin: 'administrator' }
    : { value: null, origin: 'untrusted' }
}

/**
 * Writes the class thresholds (an administrator's decision, issue 14 §4): PUT over the entry, or POST when there
 * is none yet. The administrator becomes its last writer, which is what makes the dashboards trust it.
 */
export async function saveThresholds(api: Dhis2Access, thresholds: { good: number; fair: number }): Promise<void> {
  const resource = `dataStore/relais/${SETTINGS_KEY}`
  let current: unknown = {}
  try {
    current = await api.get(resource)
  } catch (error) {
    if (statusOf(error) !== 404) throw error
    await api.create(resource, { thresholds })
    return
  }
  const others = current !== null && typeof current === 'object' ? current : {}
  await api.replace(resource, { ...others, thresholds })
}
