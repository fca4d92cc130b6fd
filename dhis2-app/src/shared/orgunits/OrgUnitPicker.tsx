import { useId } from 'react'
import type { CurrentUser } from '../currentUser'
import classes from './OrgUnits.module.css'
import { OrgUnitSearch } from './OrgUnitSearch'
import { OrgUnitTree } from './OrgUnitTree'
import type { OrgUnitNode } from './types'
import { userRootNodes } from './roots'

interface Props {
  user: CurrentUser
  /** The section's title: « Relais communautaire » (Saisie), « Unité d'organisation » (dashboard). */
  title: string
  /** The tree's summary line. */
  browseLabel: string
  selected?: string
  /** Which units can be chosen in the tree (default: any); the search always finds RCs. */
  selectable?: (unit: OrgUnitNode) => boolean
  onSelect: (unit: OrgUnitNode) => void
}

/** Search first (fast with 20,000 RC), DHIS2's org unit tree to browse the user's part of the hierarchy. */
export function OrgUnitPicker({ user, title, browseLabel, selected, selectable, onSelect }: Props) {
  const titleId = useId()
  return (
    <section className={classes.picker} aria-labelledby={titleId}>
      <h3 id={titleId} className={classes.pickerTitle}>
        {title}
      </h3>
      <OrgUnitSearch onSelect={onSelect} />
      <details className={classes.treeBox}>
        <summary>{browseLabel}</summary>
        <OrgUnitTree roots={userRootNodes(user)} selected={selected} selectable={selectable} onSelect={onSelect} />
      </details>
    </section>
  )
}
