import i18n from '@dhis2/d2-i18n'
import { Button, InputField } from '@dhis2/ui'
import { useState } from 'react'
import classes from './OrgUnits.module.css'
import type { OrgUnitNode } from './types'
import { useOrgUnitSearch } from './useOrgUnitSearch'

/** Finds an RC by name or code among the user's organisation units. */
export function OrgUnitSearch({ onSelect }: { onSelect: (unit: OrgUnitNode) => void }) {
  const [term, setTerm] = useState('')
  const { loading, results, total, error } = useOrgUnitSearch(term)
  return (
    <div className={classes.search}>
      <InputField
        className={classes.searchField}
        type="search"
        name="relais-find-rc"
        label={i18n.t('Find a community health worker by name or code')}
        value={term}
        onChange={({ value }) => setTerm(value ?? '')}
        placeholder={i18n.t('e.g. RC-AQ-00042 or Houénou')}
      />
      {loading && <p className={classes.muted}>{i18n.t('Searching…')}</p>}
      {error && <p className={classes.error}>{error}</p>}
      {results && !loading && (
        <>
          {results.length === 0 ? (
            <p className={classes.muted}>{i18n.t('No community health worker matches.')}</p>
          ) : (
            <ul className={classes.results} aria-label={i18n.t('Search results')}>
              {results.map((unit) => (
                <li key={unit.id}>
                  <Button secondary className={classes.resultButton} onClick={() => onSelect(unit)}>
                    <span>
                      <strong>{unit.code}</strong> {unit.displayName}
                    </span>
                  </Button>
                </li>
              ))}
            </ul>
          )}
          {total > results.length && (
            <p className={classes.muted}>
              {i18n.t('{{shown}} of {{total}} shown. Type more of the name or code.', { shown: results.length, total })}
            </p>
          )}
        </>
      )}
    </div>
  )
}
