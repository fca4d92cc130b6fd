// The bridge's audit log (who did what, to what, when, and from where): filters by actor, action, target and
// days, a page at a time (administrators only, as the bridge's `audit:read`).
import i18n from '@dhis2/d2-i18n'
import { Button, CircularLoader, DataTableCell, DataTableRow, InputField } from '@dhis2/ui'
import { useState } from 'react'
import { SECURITY_PATHS, type AuditPage } from '../shared/bridge/security'
import { useBridgeGet } from '../shared/bridge/useBridge'
import { BridgeProblemNotice } from './FindingList'
import classes from './Security.module.css'
import layout from '../shared/PageLayout.module.css'
import { addDays, auditDetailText, auditFrom } from './securityModel'
import { HeadedTable } from '../shared/HeadedTable'

interface AuditFilter {
  actor: string
  action: string
  target: string
  since: string
  until: string
}

const EMPTY: AuditFilter = { actor: '', action: '', target: '', since: '', until: '' }
const AUDIT_PAGE_SIZE = 50

/** The bridge's query: empty filters left out, whole days as instants (since inclusive, until exclusive). */
export function auditParams(filter: AuditFilter, page: number): Record<string, string | number> {
  return {
    page,
    pageSize: AUDIT_PAGE_SIZE,
    ...(filter.actor.trim() ? { actor: filter.actor.trim() } : {}),
    ...(filter.action.trim() ? { action: filter.action.trim() } : {}),
    ...(filter.target.trim() ? { target: filter.target.trim() } : {}),
    ...(filter.since ? { since: `${filter.since}T00:00:00.000Z` } : {}),
    ...(filter.until ? { until: `${addDays(filter.until, 1)}T00:00:00.000Z` } : {}),
  }
}

export function AuditTab() {
  const [draft, setDraft] = useState<AuditFilter>(EMPTY)
  const [filter, setFilter] = useState<AuditFilter>(EMPTY)
  const [page, setPage] = useState(1)
  const audit = useBridgeGet<AuditPage>(SECURITY_PATHS.audit, auditParams(filter, page))
  const field = (name: keyof AuditFilter, label: string, type: 'text' | 'date' = 'text') => (
    <InputField
      className={classes.filter}
      name={`audit-${name}`}
      label={label}
      type={type}
      value={draft[name]}
      onChange={({ value }) => setDraft({ ...draft, [name]: value ?? '' })}
    />
  )
  const data = audit.data
  return (
    <div className={layout.section}>
      <form
        className={classes.filters}
        aria-label={i18n.t('Filter the audit log')}
        onSubmit={(event) => {
          event.preventDefault()
          setPage(1)
          setFilter(draft)
        }}
      >
        {field('actor', i18n.t('Who'))}
        {field('action', i18n.t('Action'))}
        {field('target', i18n.t('Target'))}
        {field('since', i18n.t('From (day)'), 'date')}
        {field('until', i18n.t('To (day)'), 'date')}
        <Button type="submit">{i18n.t('Search')}</Button>
      </form>
      {audit.problem && <BridgeProblemNotice problem={audit.problem} title={i18n.t('Could not load the audit log')} />}
      {audit.loading && !data && <CircularLoader aria-label={i18n.t('Loading the audit log')} />}
      {data && data.items.length === 0 && <p className={layout.muted}>{i18n.t('No audit entry matches.')}</p>}
      {data && data.items.length > 0 && (
        <HeadedTable
          label={i18n.t('Audit log')}
          headers={[
            i18n.t('When'),
            i18n.t('Who'),
            i18n.t('Action'),
            i18n.t('Target'),
            i18n.t('From address'),
            i18n.t('Detail'),
          ]}
        >
          {data.items.map((e) => (
            <DataTableRow key={e.id}>
              <DataTableCell>
                {new Date(e.at).toLocaleString(i18n.language?.startsWith('fr') ? 'fr-FR' : 'en-GB')}
              </DataTableCell>
              <DataTableCell>
                {e.actor}
                {e.role ? ` (${e.role})` : ''}
              </DataTableCell>
              <DataTableCell>{e.action}</DataTableCell>
              <DataTableCell>{e.target ?? ''}</DataTableCell>
              <DataTableCell>{auditFrom(e) ?? ''}</DataTableCell>
              <DataTableCell>{auditDetailText(e)}</DataTableCell>
            </DataTableRow>
          ))}
        </HeadedTable>
      )}
      {data && (
        <div className={classes.pager}>
          <Button small disabled={page <= 1 || audit.loading} onClick={() => setPage(page - 1)}>
            {i18n.t('Previous page')}
          </Button>
          <span>
            {i18n.t('Page {{page}} of {{pages}} ({{total}} entries)', {
              interpolation: { escapeValue: false },
              page: data.pager.page,
              pages: data.pager.pageCount,
              total: data.pager.total,
            })}
          </span>
          <Button small disabled={page >= data.pager.pageCount || audit.loading} onClick={() => setPage(page + 1)}>
            {i18n.t('Next page')}
          </Button>
        </div>
      )}
    </div>
  )
}
