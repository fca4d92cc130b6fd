/**
 * The seed's geography: the country and its départements (the seed invents the zones, aires and RC under
 * them). The programme itself — data sets, elements, indicators, rules, groups, roles — is the metadata
 * package's (`metadata/relais-metadata.json`), never described here.
 */

export interface Named {
  code: string
  fr: string
  en: string
}

export const COUNTRY: Named = { code: 'BJ', fr: 'Bénin', en: 'Benin' }

export const DEPARTMENTS: Named[] = [
  { code: 'BJ-AL', fr: 'Alibori', en: 'Alibori' },
  { code: 'BJ-AK', fr: 'Atacora', en: 'Atacora' },
  { code: 'BJ-AQ', fr: 'Atlantique', en: 'Atlantique' },
  { code: 'BJ-BO', fr: 'Borgou', en: 'Borgou' },
  { code: 'BJ-CO', fr: 'Collines', en: 'Collines' },
  { code: 'BJ-KO', fr: 'Couffo', en: 'Couffo' },
  { code: 'BJ-DO', fr: 'Donga', en: 'Donga' },
  { code: 'BJ-LI', fr: 'Littoral', en: 'Littoral' },
  { code: 'BJ-MO', fr: 'Mono', en: 'Mono' },
  { code: 'BJ-OU', fr: 'Ouémé', en: 'Ouémé' },
  { code: 'BJ-PL', fr: 'Plateau', en: 'Plateau' },
  { code: 'BJ-ZO', fr: 'Zou', en: 'Zou' },
]
