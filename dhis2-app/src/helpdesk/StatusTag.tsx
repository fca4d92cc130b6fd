import { Tag } from '@dhis2/ui'
import classes from './Helpdesk.module.css'
import { statusLabel } from './labels'
import type { DeskStatus } from './tickets'

/** A ticket's status in words and colour (the words carry it: colour alone says nothing to some). */
export function StatusTag({ status }: { status: DeskStatus }) {
  const label = statusLabel(status)
  if (status === 'resolved')
    return (
      <Tag positive className={classes.tag}>
        {label}
      </Tag>
    )
  if (status === 'in-progress')
    return (
      <Tag neutral className={classes.tag}>
        {label}
      </Tag>
    )
  return <Tag className={classes.tag}>{label}</Tag>
}
