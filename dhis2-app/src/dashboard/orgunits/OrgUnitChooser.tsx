import i18n from '@dhis2/d2-i18n'
import { OrgUnitSearch } from '../../shared/orgunits/OrgUnitSearch'
import { OrgUnitTree } from '../../shared/orgunits/OrgUnitTree'
import type { OrgUnitNode } from '../../shared/orgunits/types'
import type { CurrentUser } from '../../shared/currentUser'
import classes from '../Dashboard.module.css'
import { userRootNodes } from '../../shared/orgunits/roots'

interface Props {
  user: CurrentUser
  selectedId: string
  onSelect: (unit: OrgUnitNode) => void
}

/**
 * Any org unit of the user's part of the hierarchy: the tree opens level by level and every level can be
 * chosen; the search (shared with Saisie) goes straight to one RC.
 */
export function OrgUnitChooser({ user, selectedId, onSelect }: Props) {
  const roots = userRootNodes(user)
  return (
    <section className={classes.chooser} aria-labelledby="relais-dashboard-ou">
      <h3 id="relais-dashboard-ou" className={classes.chooserTitle}>
        {i18n.t('Organisation unit')}
      </h3>
      <details className={classes.treeBox}>
        <summary>{i18n.t('Choose in the hierarchy')}</summary>
        <OrgUnitTree roots={roots} selected={selectedId} onSelect={onSelect} />
      </details>
      <OrgUnitSearch onSelect={onSelect} />
    </section>
  )
}
