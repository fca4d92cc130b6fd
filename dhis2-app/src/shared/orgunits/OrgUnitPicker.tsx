import i18n from '@dhis2/d2-i18n'
import type { CurrentUser } from '../currentUser'
import classes from './OrgUnits.module.css'
import { OrgUnitSearch } from './OrgUnitSearch'
import { OrgUnitTree } from './OrgUnitTree'
import { RC_LEVEL, type OrgUnitNode } from './types'
import { userRootNodes } from './roots'

interface Props {
  user: CurrentUser
  selected?: string
  onSelect: (unit: OrgUnitNode) => void
}

/** Reports are entered for RCs only: choosing a zone in the tree opens it. */
const isRc = (unit: OrgUnitNode) => unit.level >= RC_LEVEL

/** Search first (fast with 20,000 RC), the tree to browse. */
export function OrgUnitPicker({ user, selected, onSelect }: Props) {
  const roots = userRootNodes(user)
  return (
    <section className={classes.picker} aria-labelledby="relais-pick-rc">
      <h3 id="relais-pick-rc" className={classes.pickerTitle}>
        {i18n.t('Community health worker')}
      </h3>
      <OrgUnitSearch onSelect={onSelect} />
      <details className={classes.treeBox}>
        <summary>{i18n.t('Browse the hierarchy')}</summary>
        <OrgUnitTree roots={roots} selected={selected} selectable={isRc} onSelect={onSelect} />
      </details>
    </section>
  )
}
