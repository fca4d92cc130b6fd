import i18n from '@dhis2/d2-i18n'
import { useState } from 'react'
import classes from './OrgUnits.module.css'
import type { OrgUnitNode } from './types'
import { SEARCH_MIN_LENGTH, useOrgUnitSearch } from './useOrgUnitSearch'

/** Finds an RC by name or code among the user's organisation units. */
export function OrgUnitSearch({ onSelect }: { onSelect: (unit: OrgUnitNode) => void }) {
  const [term, setTerm] = useState('')
  const { loading, results, total, error } = useOrgUnitSearch(term)
  return (
    <div className={classes.search}>
      <label className={classes.label}>
        {i18n.t('Find a community health worker by name or code')}
        <input
          type="search"
          className={classes.input}
          value={term}
          onChange={(e) => setTerm(e.target.value)}
          placeholder={i18n.t('e.g. RC-AQ-00042 or Houénou')}
          minLength={SEARCH_MIN_LENGTH}
        />
      </label>
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
                  <button type="button" className={classes.resultButton} onClick={() => onSelect(unit)}>
                    <strong>{unit.code}</strong> {unit.displayName}
                  </button>
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
