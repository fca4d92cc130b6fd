/** The stand-in's answers to the field engine: reference look-ups and computed properties. */
import type { Translation } from '@relais/mappings'
import type { StandinContext } from '../context'
import type { RenderContext } from './fields'
import type { CollectionName } from './schema'

const TRANSLATED: Record<string, Translation['property']> = {
  displayName: 'NAME',
  displayShortName: 'SHORT_NAME',
  displayDescription: 'DESCRIPTION',
  displayFormName: 'FORM_NAME',
}
const FALLBACK: Record<string, string> = {
  displayName: 'name',
  displayShortName: 'shortName',
  displayDescription: 'description',
  displayFormName: 'formName',
}

export function collectionItems(ctx: StandinContext, collection: CollectionName): Record<string, unknown>[] {
  const s = ctx.state
  switch (collection) {
    case 'users':
      return s.users as unknown as Record<string, unknown>[]
    case 'userGroups':
      return s.userGroups as unknown as Record<string, unknown>[]
    case 'userRoles':
      return s.userRoles as unknown as Record<string, unknown>[]
    case 'validationRuleGroups':
      return (s.validationRuleGroups ?? []) as unknown as Record<string, unknown>[]
    case 'programs':
    case 'programStages':
    case 'optionSets':
    case 'options':
      return (s.tracker?.[collection] ?? []) as unknown as Record<string, unknown>[]
    default:
      return s.metadata[collection] as unknown as Record<string, unknown>[]
  }
}

export function createRenderContext(ctx: StandinContext, locale: string, baseUrl: string): RenderContext {
  const resolve = (collection: CollectionName, id: string): Record<string, unknown> | undefined => {
    const i = ctx.index
    switch (collection) {
      case 'users':
        return i.usersById.get(id) as unknown as Record<string, unknown> | undefined
      case 'userGroups':
        return i.userGroupsById.get(id) as unknown as Record<string, unknown> | undefined
      case 'userRoles':
        return i.userRolesById.get(id) as unknown as Record<string, unknown> | undefined
      case 'validationRuleGroups':
        return (ctx.state.validationRuleGroups ?? []).find((g) => g.id === id) as Record<string, unknown> | undefined
      case 'programs':
      case 'programStages':
      case 'optionSets':
      case 'options':
        return (ctx.state.tracker?.[collection] as Array<{ id: string }> | undefined)?.find((o) => o.id === id) as
          Record<string, unknown> | undefined
      default:
        return i.metadata.objects[collection].byId.get(id) as unknown as Record<string, unknown> | undefined
    }
  }
  const computed = (collection: CollectionName, object: Record<string, unknown>, property: string): unknown => {
    if (property in TRANSLATED) {
      const translations = (object.translations ?? []) as Translation[]
      const hit = translations.find((t) => t.property === TRANSLATED[property] && t.locale === locale)
      const fallback =
        object[FALLBACK[property] ?? 'name'] ?? (property === 'displayFormName' ? object.name : undefined)
      return hit?.value ?? fallback
    }
    if (property === 'href') return `${baseUrl}/api/${collection}/${String(object.id)}`
    if (collection === 'organisationUnits' && property === 'ancestors') {
      const ids = String(object.path).split('/').filter(Boolean).slice(0, -1)
      return ids.map((id) => ({ id }))
    }
    if (collection === 'organisationUnits' && property === 'dataSets') {
      return ctx.state.metadata.dataSets
        .filter((ds) => ctx.index.metadata.isAssigned(ds.id, String(object.id)))
        .map((ds) => ({ id: ds.id }))
    }
    if (collection === 'dataElements' && property === 'dataSetElements') {
      return ctx.index.metadata.dataSetsOf(String(object.id)).map((ds) => ({
        dataSet: { id: ds.id },
        dataElement: { id: object.id },
        ...(ds.dataSetElements.find((e) => e.dataElement.id === object.id)?.categoryCombo
          ? { categoryCombo: ds.dataSetElements.find((e) => e.dataElement.id === object.id)?.categoryCombo }
          : {}),
      }))
    }
    if (collection === 'users' && (property === 'twoFactorEnabled' || property === 'twoFA')) {
      // 2.39 `twoFA`, 2.40–2.41 `twoFactorEnabled`, 2.42 neither (its getter is @JsonIgnore).
      if (ctx.behaviour.twoFactorField !== property || typeof object.twoFactorEnabled !== 'boolean') return undefined
      return object.twoFactorEnabled
    }
    if (collection === 'users' && property === 'userCredentials') {
      // The 2.38–2.41 compatibility view of the account fields (removed in 2.42).
      if (!ctx.behaviour.userCredentials) return undefined
      const pick = [
        'id',
        'username',
        'lastLogin',
        'passwordLastUpdated',
        'disabled',
        'twoFactorEnabled',
        'accountExpiry',
        'externalAuth',
        'userRoles',
      ]
      return Object.fromEntries(pick.filter((k) => object[k] !== undefined).map((k) => [k, object[k]]))
    }
    return undefined
  }
  const computedNames = (collection: CollectionName): string[] => {
    const names = ['displayName', 'href']
    if (
      collection !== 'users' &&
      collection !== 'userGroups' &&
      collection !== 'userRoles' &&
      collection !== 'categoryCombos' &&
      collection !== 'categoryOptionCombos' &&
      collection !== 'indicatorTypes' &&
      collection !== 'organisationUnitLevels' &&
      collection !== 'sections' &&
      collection !== 'programStages' &&
      collection !== 'optionSets' &&
      collection !== 'options'
    )
      names.push('displayShortName')
    if (collection === 'dataElements') names.push('displayFormName')
    return names
  }
  return { resolve, computed, computedNames }
}
