import { createContext, useContext } from 'react'
import type { MinMaxRange } from '../validation/outliers'
import type { EntryFormApi } from './useEntryForm'

export interface FormContextValue {
  form: EntryFormApi
  readOnly: boolean
  history: ReadonlyMap<string, number[]>
  /** DHIS2's min–max range of a box, when it keeps one. */
  ranges: ReadonlyMap<string, MinMaxRange>
  /** The boxes the data set makes compulsory, by cell key. */
  required: ReadonlySet<string>
  /** "septembre 2026": added to queue labels. */
  periodLabel: string
  /** A broken validation rule, said on the boxes it reads (ruleCheck.ts ruleWarnings). */
  ruleWarnings: ReadonlyMap<string, string>
}

export const FormContext = createContext<FormContextValue | null>(null)

export function useFormContext(): FormContextValue {
  const value = useContext(FormContext)
  if (!value) throw new Error('useFormContext needs an EntryForm')
  return value
}
