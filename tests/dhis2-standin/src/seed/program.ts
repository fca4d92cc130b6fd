/**
 * The CNLS-TP community programme exactly as ../shared/domain/community-program.md writes it: codes are
 * contracts (specs, tests and the app name objects by code), names are French with English translations.
 */
import type { ValueType } from '@relais/mappings'

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

export const LEVELS: Named[] = [
  { code: 'NIV_PAYS', fr: 'Pays', en: 'Country' },
  { code: 'NIV_DEPARTEMENT', fr: 'Département', en: 'Department' },
  { code: 'NIV_ZONE', fr: 'Zone sanitaire', en: 'Health zone' },
  { code: 'NIV_AIRE', fr: 'Aire sanitaire', en: 'Health area' },
  { code: 'NIV_RC', fr: 'Relais communautaire', en: 'Community health volunteer' },
]

export interface CategoryDef extends Named {
  options: Named[]
}

export const CATEGORIES: CategoryDef[] = [
  {
    code: 'SEXE',
    fr: 'Sexe',
    en: 'Sex',
    options: [
      { code: 'M', fr: 'Masculin', en: 'Male' },
      { code: 'F', fr: 'Féminin', en: 'Female' },
    ],
  },
  {
    code: 'TRANCHE_AGE',
    fr: "Tranche d'âge",
    en: 'Age group',
    options: [
      { code: 'A_MOINS15', fr: '<15', en: '<15' },
      { code: 'A_15_24', fr: '15-24', en: '15-24' },
      { code: 'A_25PLUS', fr: '25+', en: '25+' },
    ],
  },
]

export const CATEGORY_COMBOS: { code: string; fr: string; en: string; categories: string[] }[] = [
  { code: 'SEXE', fr: 'Sexe', en: 'Sex', categories: ['SEXE'] },
  { code: 'SEXE_AGE', fr: "Sexe et tranche d'âge", en: 'Sex and age group', categories: ['SEXE', 'TRANCHE_AGE'] },
]

export interface DataElementDef extends Named {
  valueType: ValueType
  combo: 'default' | 'SEXE' | 'SEXE_AGE'
  aggregationType: 'SUM' | 'AVERAGE_SUM_ORG_UNIT' | 'NONE'
}

const int = (code: string, fr: string, en: string, combo: DataElementDef['combo'] = 'default'): DataElementDef => ({
  code,
  fr,
  en,
  valueType: 'INTEGER_ZERO_OR_POSITIVE',
  combo,
  aggregationType: 'SUM',
})

export interface SectionDef extends Named {
  elements: DataElementDef[]
}

export const MONTHLY_SECTIONS: SectionDef[] = [
  {
    code: 'SEC_VIH',
    fr: 'VIH',
    en: 'HIV',
    elements: [
      int('RC_VIH_SENS', 'Personnes sensibilisées sur le VIH/IST', 'People sensitised on HIV/STI', 'SEXE_AGE'),
      int('RC_VIH_PRES_M', 'Préservatifs masculins distribués', 'Male condoms distributed'),
      int('RC_VIH_PRES_F', 'Préservatifs féminins distribués', 'Female condoms distributed'),
      int('RC_VIH_AUTOTEST', "Kits d'autotest VIH distribués", 'HIV self-test kits distributed', 'SEXE'),
      int('RC_VIH_REF_DEPIST', 'Personnes référées pour un dépistage VIH', 'People referred for HIV testing', 'SEXE'),
      int('RC_VIH_PDV_RECH', 'PVVIH perdues de vue recherchées', 'PLHIV lost to follow-up traced'),
      int(
        'RC_VIH_PDV_RETR',
        'PVVIH perdues de vue retrouvées et ramenées aux soins',
        'PLHIV lost to follow-up found and returned to care',
      ),
    ],
  },
  {
    code: 'SEC_TB',
    fr: 'Tuberculose',
    en: 'Tuberculosis',
    elements: [
      int('RC_TB_PRESUMES_REF', 'Cas présumés de tuberculose référés', 'Presumptive TB cases referred', 'SEXE'),
      int('RC_TB_SUIVI_DOT', 'Patients TB suivis en DOT communautaire', 'TB patients followed in community DOT'),
    ],
  },
  {
    code: 'SEC_PALU',
    fr: 'Paludisme',
    en: 'Malaria',
    elements: [
      int('RC_PALU_FIEVRE', 'Enfants de moins de 5 ans fébriles vus', 'Febrile children under 5 seen', 'SEXE'),
      int('RC_PALU_TDR', 'TDR paludisme réalisés', 'Malaria RDTs performed'),
      int('RC_PALU_TDR_POS', 'TDR paludisme positifs', 'Positive malaria RDTs'),
      int(
        'RC_PALU_CTA_24H',
        'Cas positifs traités par CTA dans les 24 h',
        'Positive cases treated with ACT within 24 h',
      ),
      int('RC_PALU_REF_GRAVE', 'Cas graves référés', 'Severe cases referred'),
      int('RC_PALU_MILDA', 'MILDA distribuées', 'Long-lasting insecticidal nets distributed'),
    ],
  },
  {
    code: 'SEC_ACTIVITES',
    fr: 'Activités',
    en: 'Activities',
    elements: [
      int('RC_VAD', 'Visites à domicile réalisées', 'Home visits made'),
      int('RC_CAUSERIES', 'Causeries éducatives animées', 'Educational talks held'),
      {
        code: 'RC_RUPTURE',
        fr: "Rupture d'intrants pendant le mois",
        en: 'Stock-out of supplies during the month',
        valueType: 'BOOLEAN',
        combo: 'default',
        aggregationType: 'SUM',
      },
      {
        code: 'RC_DIFFICULTES',
        fr: 'Difficultés rencontrées',
        en: 'Difficulties encountered',
        valueType: 'LONG_TEXT',
        combo: 'default',
        aggregationType: 'NONE',
      },
    ],
  },
]

/** Yearly targets: AVERAGE_SUM_ORG_UNIT so that analytics repeat a year's target in each month (analytics §3.2). */
const target = (code: string, fr: string, en: string): DataElementDef => ({
  code,
  fr,
  en,
  valueType: 'INTEGER_POSITIVE',
  combo: 'default',
  aggregationType: 'AVERAGE_SUM_ORG_UNIT',
})

export const TARGET_ELEMENTS: DataElementDef[] = [
  target('RC_CIBLE_SENS', 'Cible annuelle : personnes à sensibiliser', 'Annual target: people to sensitise'),
  target('RC_CIBLE_VAD', 'Cible annuelle : visites à domicile', 'Annual target: home visits'),
  target('RC_CIBLE_TDR', 'Cible annuelle : TDR', 'Annual target: RDTs'),
  target('RC_CIBLE_AUTOTEST', "Cible annuelle : kits d'autotest", 'Annual target: self-test kits'),
]

export const DATA_SETS = {
  monthly: {
    code: 'RC_MENSUEL',
    fr: "RC - Rapport mensuel d'activités",
    en: 'CHV - Monthly activity report',
    periodType: 'Monthly' as const,
    expiryDays: 15,
    openFuturePeriods: 0,
    timelyDays: 5,
  },
  targets: {
    code: 'RC_CIBLES',
    fr: 'RC - Cibles annuelles',
    en: 'CHV - Annual targets',
    periodType: 'Yearly' as const,
    expiryDays: 0,
    openFuturePeriods: 1,
    timelyDays: 15,
  },
}

export interface ValidationRuleDef extends Named {
  left: string
  right: string
  importance: 'HIGH' | 'MEDIUM'
  instructionFr: string
  instructionEn: string
}

export const VALIDATION_RULES: ValidationRuleDef[] = [
  {
    code: 'VR_TDR_POS',
    fr: 'TDR positifs ≤ TDR réalisés',
    en: 'Positive RDTs ≤ RDTs performed',
    left: 'RC_PALU_TDR_POS',
    right: 'RC_PALU_TDR',
    importance: 'HIGH',
    instructionFr: 'Les TDR positifs ne peuvent pas dépasser les TDR réalisés.',
    instructionEn: 'Positive RDTs cannot exceed RDTs performed.',
  },
  {
    code: 'VR_CTA',
    fr: 'Cas traités par CTA ≤ TDR positifs',
    en: 'Cases treated with ACT ≤ positive RDTs',
    left: 'RC_PALU_CTA_24H',
    right: 'RC_PALU_TDR_POS',
    importance: 'HIGH',
    instructionFr: 'Les cas traités par CTA ne peuvent pas dépasser les TDR positifs.',
    instructionEn: 'Cases treated with ACT cannot exceed positive RDTs.',
  },
  {
    code: 'VR_PDV',
    fr: 'PVVIH retrouvées ≤ PVVIH recherchées',
    en: 'PLHIV found ≤ PLHIV traced',
    left: 'RC_VIH_PDV_RETR',
    right: 'RC_VIH_PDV_RECH',
    importance: 'HIGH',
    instructionFr: 'Les PVVIH retrouvées ne peuvent pas dépasser les PVVIH recherchées.',
    instructionEn: 'PLHIV found cannot exceed PLHIV traced.',
  },
  {
    code: 'VR_AUTOTEST_SENS',
    fr: "Kits d'autotest ≤ personnes sensibilisées",
    en: 'Self-test kits ≤ people sensitised',
    left: 'RC_VIH_AUTOTEST',
    right: 'RC_VIH_SENS',
    importance: 'MEDIUM',
    instructionFr: "Les kits d'autotest distribués ne devraient pas dépasser les personnes sensibilisées.",
    instructionEn: 'Self-test kits distributed should not exceed people sensitised.',
  },
]

export interface IndicatorDef extends Named {
  type: 'PERCENT'
  numerator: string
  denominator: string
  numeratorDescription: string
  denominatorDescription: string
}

/**
 * Formulas use codes in `#{CODE}` / `R{CODE.METRIC}`; the seed rewrites them to UIDs. The target
 * achievements compare the year to date with the pro-rated annual target (community-program.md).
 */
export const INDICATORS: IndicatorDef[] = [
  {
    code: 'IND_COMPLETUDE',
    fr: 'Complétude des rapports RC',
    en: 'CHV report completeness',
    type: 'PERCENT',
    numerator: 'R{RC_MENSUEL.ACTUAL_REPORTS}',
    denominator: 'R{RC_MENSUEL.EXPECTED_REPORTS}',
    numeratorDescription: 'Rapports reçus',
    denominatorDescription: 'Rapports attendus',
  },
  {
    code: 'IND_PROMPTITUDE',
    fr: 'Promptitude des rapports RC',
    en: 'CHV report timeliness',
    type: 'PERCENT',
    numerator: 'R{RC_MENSUEL.ACTUAL_REPORTS_ON_TIME}',
    denominator: 'R{RC_MENSUEL.EXPECTED_REPORTS}',
    numeratorDescription: 'Rapports reçus à temps',
    denominatorDescription: 'Rapports attendus',
  },
  {
    code: 'IND_TDR_POS',
    fr: 'Taux de positivité des TDR',
    en: 'RDT positivity rate',
    type: 'PERCENT',
    numerator: '#{RC_PALU_TDR_POS}',
    denominator: '#{RC_PALU_TDR}',
    numeratorDescription: 'TDR positifs',
    denominatorDescription: 'TDR réalisés',
  },
  {
    code: 'IND_CTA_24H',
    fr: 'Cas positifs traités par CTA en 24 h',
    en: 'Positive cases treated with ACT within 24 h',
    type: 'PERCENT',
    numerator: '#{RC_PALU_CTA_24H}',
    denominator: '#{RC_PALU_TDR_POS}',
    numeratorDescription: 'Cas traités par CTA en 24 h',
    denominatorDescription: 'TDR positifs',
  },
  {
    code: 'IND_PDV_RETR',
    fr: 'PVVIH perdues de vue retrouvées',
    en: 'PLHIV lost to follow-up found',
    type: 'PERCENT',
    numerator: '#{RC_VIH_PDV_RETR}',
    denominator: '#{RC_VIH_PDV_RECH}',
    numeratorDescription: 'PVVIH retrouvées',
    denominatorDescription: 'PVVIH recherchées',
  },
  ...(
    [
      ['IND_REAL_SENS', 'sensibilisation', 'sensitisation', 'RC_VIH_SENS', 'RC_CIBLE_SENS'],
      ['IND_REAL_VAD', 'visites à domicile', 'home visits', 'RC_VAD', 'RC_CIBLE_VAD'],
      ['IND_REAL_TDR', 'TDR', 'RDTs', 'RC_PALU_TDR', 'RC_CIBLE_TDR'],
    ] as const
  ).map(([code, fr, en, done, goal]): IndicatorDef => ({
    code,
    fr: `Réalisation de la cible de ${fr}`,
    en: `Achievement of the ${en} target`,
    type: 'PERCENT',
    numerator: `#{${done}}.yearToDate()`,
    denominator: `#{${goal}} * [periodInYear] / [yearlyPeriodCount]`,
    numeratorDescription: 'Réalisé depuis le début de l’année',
    denominatorDescription: 'Cible annuelle au prorata des mois écoulés',
  })),
]

export const USER_GROUPS: (Named & { role: string })[] = [
  { code: 'RELAIS_RC', fr: 'Relais communautaires', en: 'Community health volunteers', role: 'relais' },
  { code: 'RELAIS_SUPERVISEURS', fr: 'Superviseurs', en: 'Supervisors', role: 'superviseur' },
  { code: 'RELAIS_GESTIONNAIRES', fr: 'Gestionnaires de données', en: 'Data managers', role: 'gestionnaire' },
  { code: 'RELAIS_ADMINS', fr: 'Administrateurs', en: 'Administrators', role: 'administrateur' },
]

export const ACTIVE_RC_GROUP: Named = {
  code: 'OUG_RC_ACTIFS',
  fr: 'RC actifs cette année',
  en: 'CHVs active this year',
}
export const ACTIVITY_GROUP_SET: Named = { code: 'OUGS_ACTIVITE_RC', fr: 'Activité des RC', en: 'CHV activity' }
