import { SimpleSingleSelectField, type SimpleSingleSelectFieldProps } from '@dhis2/ui'
import { useLayoutEffect, useRef } from 'react'
import classes from './Select.module.css'

/**
 * @dhis2/ui's accessible select (a combobox labelled by its label, a listbox of options), with two fixes to its
 * combobox: no `aria-placeholder`, which @dhis2/ui always writes (even empty) but ARIA 1.2 does not allow on a
 * combobox (axe's critical « aria-allowed-attr »; the placeholder is still shown and read as the combobox's
 * text), and `aria-invalid` when the field is in error (@dhis2/ui shows an error by its colour only).
 * `className` goes to a box around the field: the item of the surrounding flex or grid layout.
 */
export function Select({ className, ...props }: SimpleSingleSelectFieldProps) {
  const box = useRef<HTMLDivElement>(null)
  // After every render: React sets the attributes again only when their value changes.
  useLayoutEffect(() => {
    const combobox = box.current?.querySelector('[role="combobox"]')
    combobox?.removeAttribute('aria-placeholder')
    if (props.error) combobox?.setAttribute('aria-invalid', 'true')
    else combobox?.removeAttribute('aria-invalid')
  })
  return (
    <div ref={box} className={className ? `${classes.select} ${className}` : classes.select}>
      <SimpleSingleSelectField {...props} />
    </div>
  )
}
