// Access review: DHIS2's users × roles × org units × last sign-in × disabled × two-factor, a page at a time
// (thousands of RC on the national instance), filtered by name, role or group; chosen people get a bulk action
// made in DHIS2 with the administrator's own session, confirmed first, reported person by person, then recorded
// in the bridge's audit log.
import i18n from '@dhis2/d2-i18n'
import { useDataEngine } from '@dhis2/app-runtime'
import { Button, Checkbox, CircularLoader, DataTableCell, DataTableRow, InputField, NoticeBox, Tag } from '@dhis2/ui'
import { useEffect, useMemo, useState } from 'react'
import type { BridgeProblem } from '../shared/bridge/bridgeProblem'
import { SECURITY_PATHS } from '../shared/bridge/security'
import { useBridgePost } from '../shared/bridge/useBridge'
import { ConfirmModal } from '../shared/ConfirmModal'
import { Select } from '../shared/Select'
import {
  actionMutation,
  AUDIT_ACTION,
  PAGE_SIZE,
  rolesOf,
  usersQueryParams,
  type ReviewAction,
  type ReviewFilter,
  type ReviewUser,
} from './accessReview'
import { ActionOutcome } from './ActionOutcome'
import classes from './Security.module.css'
import layout from '../shared/PageLayout.module.css'
import { dhis2Refusal, type PersonOutcome } from './securityModel'
import { HeadedTable } from '../shared/HeadedTable'

interface UsersPage {
  users: ReviewUser[]
  pager?: { page: number; pageCount: number; total: number }
}

type Named = Array<{ id: string; name: string }>

const ALL = ''
/** The « all » option of a select (@dhis2/ui shows an empty value as no choice). */
const ANY = '*'

function actionLabel(action: ReviewAction): string {
  switch (action) {
    case 'disable':
      return i18n.t('Disable')
    case 'enable':
      return i18n.t('Enable')
    case 'remove-role':
      return i18n.t('Remove a role')
    case 'expire-account':
      return i18n.t('Expire the account')
  }
}

function formatWhen(iso: string | undefined): string {
  if (!iso) return i18n.t('Never')
  const at = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`)
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleDateString(i18n.language?.startsWith('fr') ? 'fr-FR' : 'en-GB')
}

export function AccessReviewTab({ today }: { today: string }) {
  const engine = useDataEngine()
  const post = useBridgePost()
  const [draft, setDraft] = useState<ReviewFilter>({ text: '', role: ALL, group: ALL })
  const [filter, setFilter] = useState<ReviewFilter>(draft)
  const [page, setPage] = useState(1)
  const [generation, setGeneration] = useState(0)
  const [list, setList] = useState<{ data?: UsersPage; error?: string; loading: boolean }>({ loading: true })
  const [choices, setChoices] = useState<{ roles: Named; groups: Named }>({ roles: [], groups: [] })
  const [selected, setSelected] = useState<Map<string, ReviewUser>>(new Map())
  const [pending, setPending] = useState<{ action: ReviewAction; users: ReviewUser[]; role?: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{
    action: ReviewAction
    outcomes: PersonOutcome[]
    audit: BridgeProblem | null
  } | null>(null)
  const [roleToRemove, setRoleToRemove] = useState('')

  useEffect(() => {
    let cancelled = false
    engine
      .query({
        roles: { resource: 'userRoles', params: { fields: 'id,name', paging: false } },
        groups: { resource: 'userGroups', params: { fields: 'id,name', paging: false } },
      })
      .then((answer) => {
        if (cancelled) return
        const a = answer as { roles: { userRoles: Named }; groups: { userGroups: Named } }
        setChoices({ roles: a.roles.userRoles, groups: a.groups.userGroups })
      })
      .catch(() => {
        // the filters stay empty; the list says what DHIS2 answered
      })
    return () => {
      cancelled = true
    }
  }, [engine])

  useEffect(() => {
    let cancelled = false
    setList((current) => ({ ...current, loading: true }))
    engine
      .query({ users: { resource: 'users', params: usersQueryParams(filter, page) } })
      .then((answer) => {
        if (!cancelled) setList({ data: answer.users as UsersPage, loading: false })
      })
      .catch((error: unknown) => {
        if (!cancelled) setList({ error: dhis2Refusal(error).message, loading: false })
      })
    return () => {
      cancelled = true
    }
  }, [engine, filter, page, generation])

  const chosen = useMemo(() => [...selected.values()], [selected])
  const chosenRoles = useMemo(() => rolesOf(chosen), [chosen])

  const toggle = (user: ReviewUser, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current)
      if (on) next.set(user.id, user)
      else next.delete(user.id)
      return next
    })

  const propose = (action: ReviewAction) => {
    setResult(null)
    if (action === 'remove-role') {
      const holders = chosen.filter((u) => u.userRoles.some((r) => r.id === roleToRemove))
      if (holders.length > 0) setPending({ action, users: holders, role: roleToRemove })
      return
    }
    setPending({ action, users: chosen })
  }

  const run = async () => {
    if (!pending) return
    setBusy(true)
    const outcomes: PersonOutcome[] = []
    for (const user of pending.users) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the engine's Mutation union is not exported
        await engine.mutate(actionMutation(pending.action, user.id, { role: pending.role, today }) as any)
        outcomes.push({ id: user.id, name: user.name, ok: true })
      } catch (error) {
        outcomes.push({ id: user.id, name: user.name, ok: false, ...dhis2Refusal(error) })
      }
    }
    const done = outcomes.filter((o) => o.ok).length
    const recorded = await post(SECURITY_PATHS.actions, {
      action: AUDIT_ACTION[pending.action],
      users: pending.users.map((u) => u.id),
      ...(pending.role ? { role: pending.role } : {}),
      done,
      failed: outcomes.length - done,
    })
    setResult({ action: pending.action, outcomes, audit: recorded.ok ? null : recorded.problem })
    setBusy(false)
    setPending(null)
    setSelected(new Map())
    setGeneration((g) => g + 1)
  }

  const data = list.data
  const pager = data?.pager
  const roleName = (id: string | undefined) =>
    choices.roles.find((r) => r.id === id)?.name ?? chosenRoles.find((r) => r.id === id)?.name ?? id

  return (
    <div className={layout.section}>
      <form
        className={classes.filters}
        aria-label={i18n.t('Filter the people')}
        onSubmit={(event) => {
          event.preventDefault()
          setPage(1)
          setFilter(draft)
        }}
      >
        <InputField
          className={classes.filter}
          name="review-text"
          label={i18n.t('Name, username or e-mail')}
          value={draft.text}
          onChange={({ value }) => setDraft({ ...draft, text: value ?? '' })}
        />
        <Select
          className={classes.filter}
          name="review-role"
          label={i18n.t('Role')}
          options={[
            { value: ANY, label: i18n.t('All roles') },
            ...choices.roles.map((r) => ({ value: r.id, label: r.name })),
          ]}
          value={draft.role || ANY}
          onChange={(value) => setDraft({ ...draft, role: value && value !== ANY ? String(value) : ALL })}
        />
        <Select
          className={classes.filter}
          name="review-group"
          label={i18n.t('User group')}
          options={[
            { value: ANY, label: i18n.t('All groups') },
            ...choices.groups.map((g) => ({ value: g.id, label: g.name })),
          ]}
          value={draft.group || ANY}
          onChange={(value) => setDraft({ ...draft, group: value && value !== ANY ? String(value) : ALL })}
        />
        <Button type="submit">{i18n.t('Search')}</Button>
      </form>

      {result && (
        <ActionOutcome title={actionLabel(result.action)} outcomes={result.outcomes} auditProblem={result.audit} />
      )}

      {list.error && (
        <NoticeBox error title={i18n.t('DHIS2 did not give the list of people')}>
          {list.error}
        </NoticeBox>
      )}
      {list.loading && !data && <CircularLoader aria-label={i18n.t('Loading the people')} />}
      {data && data.users.length === 0 && <p className={layout.muted}>{i18n.t('Nobody matches these filters.')}</p>}
      {data && data.users.length > 0 && (
        <HeadedTable
          label={i18n.t('People and their access')}
          headers={[
            i18n.t('Choose'),
            i18n.t('Person'),
            i18n.t('Roles'),
            i18n.t('Groups'),
            i18n.t('Organisation units'),
            i18n.t('Last sign-in'),
            i18n.t('Account'),
            i18n.t('Two-factor'),
          ]}
        >
          {data.users.map((u) => (
            <DataTableRow key={u.id}>
              <DataTableCell>
                <Checkbox
                  name={`review-${u.id}`}
                  label={
                    <span className={classes.srOnly}>
                      {i18n.t('Choose {{name}}', { interpolation: { escapeValue: false }, name: u.name })}
                    </span>
                  }
                  checked={selected.has(u.id)}
                  onChange={({ checked }) => toggle(u, checked)}
                />
              </DataTableCell>
              <DataTableCell>
                {u.name} ({u.username})
              </DataTableCell>
              <DataTableCell>{u.userRoles.map((r) => r.name).join(', ')}</DataTableCell>
              <DataTableCell>{u.userGroups.map((g) => g.name).join(', ')}</DataTableCell>
              <DataTableCell>{u.organisationUnits.map((o) => o.name).join(', ')}</DataTableCell>
              <DataTableCell>{formatWhen(u.lastLogin)}</DataTableCell>
              <DataTableCell>
                {u.disabled ? (
                  <Tag negative>{i18n.t('Account disabled')}</Tag>
                ) : (
                  <Tag positive>{i18n.t('Account active')}</Tag>
                )}
              </DataTableCell>
              <DataTableCell>
                {u.twoFactorEnabled === undefined
                  ? i18n.t('Not shown by DHIS2')
                  : u.twoFactorEnabled
                    ? i18n.t('Yes')
                    : i18n.t('No')}
              </DataTableCell>
            </DataTableRow>
          ))}
        </HeadedTable>
      )}
      {pager && (
        <div className={classes.pager}>
          <Button small disabled={page <= 1 || list.loading} onClick={() => setPage(page - 1)}>
            {i18n.t('Previous page')}
          </Button>
          <span>
            {i18n.t('Page {{page}} of {{pages}} — {{total}} found, {{size}} a page', {
              interpolation: { escapeValue: false },
              page: pager.page,
              pages: pager.pageCount,
              total: pager.total,
              size: PAGE_SIZE,
            })}
          </span>
          <Button small disabled={page >= pager.pageCount || list.loading} onClick={() => setPage(page + 1)}>
            {i18n.t('Next page')}
          </Button>
        </div>
      )}

      <section aria-labelledby="review-actions" className={layout.section}>
        <h3 id="review-actions">
          {i18n.t('Chosen people')} ({chosen.length})
        </h3>
        {chosen.length === 0 ? (
          <p className={layout.muted}>{i18n.t('Tick people in the list to act on their accounts.')}</p>
        ) : (
          <p className={layout.muted}>{chosen.map((u) => u.name).join(', ')}</p>
        )}
        <div className={classes.actions}>
          <Button destructive disabled={chosen.length === 0} onClick={() => propose('disable')}>
            {actionLabel('disable')}
          </Button>
          <Button disabled={chosen.length === 0} onClick={() => propose('enable')}>
            {actionLabel('enable')}
          </Button>
          <Button disabled={chosen.length === 0} onClick={() => propose('expire-account')}>
            {actionLabel('expire-account')}
          </Button>
        </div>
        <p className={layout.muted}>
          {i18n.t(
            'DHIS2 offers no way to expire only a password. « Expire the account » sets the account to expire today, so the person can no longer sign in until an administrator lifts the expiry in DHIS2. To ask for a new password, send a message from the Passwords tab.',
          )}
        </p>
        <div className={classes.filters}>
          <Select
            className={classes.filter}
            name="review-remove-role"
            label={i18n.t('Role to remove')}
            options={[
              { value: ANY, label: i18n.t('Choose a role') },
              ...chosenRoles.map((r) => ({ value: r.id, label: r.name })),
            ]}
            value={chosenRoles.some((r) => r.id === roleToRemove) ? roleToRemove : ANY}
            onChange={(value) => setRoleToRemove(String(value ?? ''))}
          />
          <Button
            disabled={chosen.length === 0 || !chosenRoles.some((r) => r.id === roleToRemove)}
            onClick={() => propose('remove-role')}
          >
            {actionLabel('remove-role')}
          </Button>
        </div>
      </section>

      {pending && (
        <ConfirmModal
          title={
            pending.action === 'remove-role'
              ? i18n.t('Remove the role {{role}} from {{number}} people?', {
                  interpolation: { escapeValue: false },
                  role: roleName(pending.role),
                  number: pending.users.length,
                })
              : i18n.t('{{action}} for {{number}} people?', {
                  interpolation: { escapeValue: false },
                  action: actionLabel(pending.action),
                  number: pending.users.length,
                })
          }
          confirmLabel={actionLabel(pending.action)}
          destructive={pending.action !== 'enable'}
          busy={busy}
          onConfirm={() => void run()}
          onCancel={() => setPending(null)}
        >
          <p>{i18n.t('DHIS2 will be changed with your account, then the bridge records it in its audit log.')}</p>
          <ul>
            {pending.users.map((u) => (
              <li key={u.id}>
                {u.name} ({u.username})
              </li>
            ))}
          </ul>
        </ConfirmModal>
      )}
    </div>
  )
}
