// Test-only: a compact RC_MENSUEL (community-program.md) as DHIS2 returns it to the entry screen.
import type { ValidationRule } from '../../shared/mappings'
import type { CategoryComboMeta, DataElementMeta, DataSetMeta } from '../metadata/types'

export const OU_RC = 'ouRcAq00001'
export const OU_ZONE = 'ouZsAq00001'
export const RC_PATH = `/ouBenin0001/ouDepAq0001/${OU_ZONE}/ouAsAq00001/${OU_RC}`

const DEFAULT_COMBO: CategoryComboMeta = {
  id: 'ccDefault01',
  isDefault: true,
  categories: [
    { id: 'caDefault01', displayName: 'default', categoryOptions: [{ id: 'coDefault01', displayName: 'default' }] },
  ],
  categoryOptionCombos: [
    { id: 'cocDefault1', code: 'default', displayName: 'default', categoryOptions: [{ id: 'coDefault01' }] },
  ],
}
export const COC_DEFAULT = 'cocDefault1'

const SEXE = {
  id: 'caSexe00001',
  displayName: 'Sexe',
  categoryOptions: [
    { id: 'coMasculin1', code: 'M', displayName: 'Masculin' },
    { id: 'coFeminin01', code: 'F', displayName: 'Féminin' },
  ],
}
const AGE = {
  id: 'caAge000001',
  displayName: "Tranche d'âge",
  categoryOptions: [
    { id: 'coMoins1501', code: 'A_MOINS15', displayName: '<15' },
    { id: 'co15a24xx01', code: 'A_15_24', displayName: '15-24' },
    { id: 'co25plus001', code: 'A_25PLUS', displayName: '25+' },
  ],
}

const SEXE_COMBO: CategoryComboMeta = {
  id: 'ccSexe00001',
  isDefault: false,
  categories: [SEXE],
  categoryOptionCombos: SEXE.categoryOptions.map((o) => ({
    id: `coc${o.code}xxxxxxx`.slice(0, 11),
    code: o.code,
    displayName: o.displayName,
    categoryOptions: [{ id: o.id }],
  })),
}

const SEXE_AGE_COMBO: CategoryComboMeta = {
  id: 'ccSexeAge01',
  isDefault: false,
  categories: [SEXE, AGE],
  categoryOptionCombos: SEXE.categoryOptions.flatMap((s, i) =>
    AGE.categoryOptions.map((a, j) => ({
      id: `cocSexAge${i}${j}`,
      code: `${s.code}_${a.code}`,
      displayName: `${s.displayName}, ${a.displayName}`,
      categoryOptions: [{ id: s.id }, { id: a.id }],
    })),
  ),
}
/** Masculin, 15-24 */
export const COC_M_15_24 = 'cocSexAge01'

const element = (
  id: string,
  code: string,
  displayFormName: string,
  categoryCombo: CategoryComboMeta = DEFAULT_COMBO,
  valueType: DataElementMeta['valueType'] = 'INTEGER_ZERO_OR_POSITIVE',
): DataElementMeta => ({
  id,
  code,
  displayFormName,
  valueType,
  zeroIsSignificant: false,
  aggregationType: 'SUM',
  categoryCombo,
})

export const DE = {
  sens: element('deVihSens01', 'RC_VIH_SENS', 'Personnes sensibilisées sur le VIH/IST', SEXE_AGE_COMBO),
  pdvRech: element('deVihPdvRec', 'RC_VIH_PDV_RECH', 'PVVIH perdues de vue recherchées'),
  pdvRetr: element('deVihPdvRet', 'RC_VIH_PDV_RETR', 'PVVIH perdues de vue retrouvées et ramenées aux soins'),
  tbRef: element('deTbPresRef', 'RC_TB_PRESUMES_REF', 'Cas présumés de tuberculose référés', SEXE_COMBO),
  tdr: element('dePaluTdr01', 'RC_PALU_TDR', 'TDR paludisme réalisés'),
  tdrPos: element('dePaluTdrPo', 'RC_PALU_TDR_POS', 'TDR paludisme positifs'),
  vad: element('deVad000001', 'RC_VAD', 'Visites à domicile réalisées'),
  rupture: element('deRupture01', 'RC_RUPTURE', "Rupture d'intrants pendant le mois", DEFAULT_COMBO, 'BOOLEAN'),
  difficultes: element('deDifficult', 'RC_DIFFICULTES', 'Difficultés rencontrées', DEFAULT_COMBO, 'LONG_TEXT'),
}

/** The yearly targets (data set RC_CIBLES). */
export const TARGET_ELEMENTS = [
  { id: 'deCibleSens', code: 'RC_CIBLE_SENS' },
  { id: 'deCibleVad1', code: 'RC_CIBLE_VAD' },
  { id: 'deCibleTdr1', code: 'RC_CIBLE_TDR' },
]

export const DATA_SET: DataSetMeta = {
  id: 'dsRcMensuel',
  code: 'RC_MENSUEL',
  displayName: "RC - Rapport mensuel d'activités",
  periodType: 'Monthly',
  openFuturePeriods: 0,
  expiryDays: 15,
  categoryCombo: { id: 'ccDefault01' },
  sections: [
    {
      id: 'seVih000001',
      code: 'VIH',
      displayName: 'VIH',
      sortOrder: 1,
      dataElements: [DE.sens, DE.pdvRech, DE.pdvRetr],
    },
    { id: 'seTb0000001', code: 'TB', displayName: 'Tuberculose', sortOrder: 2, dataElements: [DE.tbRef] },
    { id: 'sePalu00001', code: 'PALU', displayName: 'Paludisme', sortOrder: 3, dataElements: [DE.tdr, DE.tdrPos] },
    {
      id: 'seActivite1',
      code: 'ACT',
      displayName: 'Activités',
      sortOrder: 4,
      dataElements: [DE.vad, DE.rupture, DE.difficultes],
    },
  ],
}

export const RULE_TDR_POS: ValidationRule = {
  id: 'vrTdrPos001',
  code: 'VR_TDR_POS',
  name: 'TDR positifs ≤ TDR réalisés',
  shortName: 'TDR positifs ≤ TDR réalisés',
  created: '2024-01-15T09:00:00.000',
  lastUpdated: '2024-01-15T09:00:00.000',
  importance: 'HIGH',
  operator: 'less_than_or_equal_to',
  periodType: 'Monthly',
  instruction: 'Les TDR positifs ne peuvent pas dépasser les TDR réalisés.',
  leftSide: {
    expression: `#{${DE.tdrPos.id}}`,
    description: 'RC_PALU_TDR_POS',
    missingValueStrategy: 'SKIP_IF_ALL_VALUES_MISSING',
  },
  rightSide: { expression: `#{${DE.tdr.id}}`, description: 'RC_PALU_TDR', missingValueStrategy: 'NEVER_SKIP' },
  translations: [
    { property: 'NAME', locale: 'en', value: 'Positive RDTs ≤ RDTs performed' },
    { property: 'DESCRIPTION', locale: 'en', value: 'Positive RDTs cannot exceed RDTs performed.' },
  ],
}

/** 3 October 2026, 10:00 in Porto-Novo: September is open, August closed since 16 September. */
export const SERVER_DATE = '2026-10-03T10:00:00.000'
