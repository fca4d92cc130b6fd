// « Rappels » (issue 15 §1) as its users drive it: a data manager adds a rule — a mistyped placeholder is named
// at the field before anything is sent, the rule is confirmed, then saved through the bridge; a supervisor reads
// the rules and the send log (names, the reason of a failure) and changes nothing.
import { FetchError } from '@dhis2/app-runtime'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { json, renderRoutes, type CustomData } from '../app/testing/renderRoutes'
import { BridgeSettingsContext } from '../shared/bridge/useBridge'
import type { CurrentUser } from '../shared/currentUser'
import { MANAGER, SUPERVISOR } from '../shared/testing/users'
import type { ReminderRule, ReminderSend } from '../shared/bridge/reminders'

jest.setTimeout(20_000)

type Resolver = Extract<CustomData[string], (...args: never[]) => unknown>
const ROUTE = 'routes/relais-bridge/run/api/v1/'

const RULE: ReminderRule = {
  id: 'manquant',
  name: 'Rapport manquant',
  enabled: true,
  audience: 'missing',
  days: [1, 3, 5],
  channels: ['message', 'sms'],
  template: 'Bonjour {nom}, votre rapport de {mois} manque.',
  escalateAfter: 2,
  quietHours: { from: '19:00', to: '08:00' },
  holdoutPercent: 10,
}

const SEND: ReminderSend = {
  id: '7',
  ruleId: 'manquant',
  kind: 'reminder',
  period: '202611',
  orgUnit: 'ouRcAfi0001',
  zone: 'ouZsAq00001',
  recipient: 'usrRcAfi001',
  channel: 'sms',
  day: '2026-12-03',
  template: 'missing:manquant',
  status: 'failed',
  attempts: 1,
  answer: null,
  error: 'no phone number in DHIS2 for this user',
  actor: 'scheduler',
  createdAt: '2026-12-03T09:07:00.000Z',
  sentAt: null,
  delivery: null,
}
/** An SMS DHIS2 took, then its gateway reported delivered. */
const DELIVERED: ReminderSend = {
  ...SEND,
  id: '8',
  status: 'sent',
  error: null,
  sentAt: '2026-12-03T09:07:02.000Z',
  delivery: 'DELIVERED',
}

function renderReminders(user: CurrentUser, problems: string[] = []) {
  let rules: ReminderRule[] = [RULE]
  const posted: unknown[] = []
  const runs: string[] = []
  const answer = () => ({
    rules,
    problems,
    audiences: ['missing', 'refused', 'supervisors'],
    channels: ['message', 'sms'],
    placeholders: ['nom', 'mois', 'date_limite', 'rc', 'jours_restants'],
    defaultTemplates: { missing: 'a', refused: 'b', supervisors: 'c' },
  })
  const data = new Proxy({} as CustomData, {
    get(_target, resource) {
      if (resource === 'me') return (async () => json(user)) as Resolver
      if (resource === 'organisationUnits')
        return (async () =>
          json({ organisationUnits: [{ id: 'ouRcAfi0001', displayName: 'RC Afi Houénou' }] })) as Resolver
      if (typeof resource === 'string' && resource.startsWith('dataStore/relais-proofs'))
        return (async () => json({})) as Resolver
      if (resource === `${ROUTE}reminders/rules`) {
        const resolver: Resolver = async (type, query) => {
          if (type === 'read') return json(answer())
          posted.push(query.data)
          if (user !== MANAGER)
            throw new FetchError({ type: 'access', message: 'Forbidden', details: { error: 'forbidden' } })
          rules = (query.data as { rules: ReminderRule[] }).rules
          return json(answer())
        }
        return resolver
      }
      if (resource === `${ROUTE}reminders/run`) {
        const resolver: Resolver = async () => {
          runs.push(user.username)
          return json({ accepted: true })
        }
        return resolver
      }
      if (resource === `${ROUTE}reminders/sends`)
        return (async () =>
          json({ items: [SEND, DELIVERED], pager: { page: 1, pageSize: 50, total: 2, pageCount: 1 } })) as Resolver
      return undefined
    },
  })
  const view = renderRoutes({
    data,
    path: '/rappels',
    wrap: (routes) => <BridgeSettingsContext.Provider value={{ pollMs: 20 }}>{routes}</BridgeSettingsContext.Provider>,
  })
  return { ...view, posted, runs }
}

test('a data manager adds a rule: a mistyped placeholder is named first, then the rule is confirmed and saved', async () => {
  const user = userEvent.setup()
  const view = renderReminders(MANAGER)
  expect(await screen.findByText('Rapport manquant', { selector: 'strong' })).toBeTruthy()
  await user.click(screen.getByRole('button', { name: 'Add a rule' }))
  const form = screen.getByRole('form', { name: 'Reminder rule' })
  await user.type(within(form).getByLabelText('Name of the rule'), 'Rappel du 2')
  const days = within(form).getByLabelText('Days after the month ends')
  await user.clear(days)
  await user.type(days, '2')
  const template = within(form).getByLabelText('Message, in French')
  await user.clear(template)
  await user.type(template, 'Bonjour {{name}, le rapport de {{mois} manque.')
  await user.click(within(form).getByRole('button', { name: 'Save the rule' }))
  expect(await within(form).findByText('Unknown placeholder {name}. Use the ones listed below.')).toBeTruthy()
  expect(view.posted).toEqual([])

  await user.clear(template)
  await user.type(template, 'Bonjour {{nom}, le rapport de {{mois} manque.')
  expect(within(form).getByText('Bonjour Afiavi Houénou, le rapport de', { exact: false })).toBeTruthy()
  await user.click(within(form).getByRole('button', { name: 'Save the rule' }))
  const dialog = await screen.findByRole('dialog')
  expect(dialog.textContent).toContain('« Rappel du 2 » sends DHIS2 message + SMS on days 2.')
  expect(view.posted).toEqual([])
  await user.click(within(dialog).getByRole('button', { name: 'Save' }))
  await waitFor(() => expect(view.posted).toHaveLength(1))
  expect((view.posted[0] as { rules: ReminderRule[] }).rules.map((r) => [r.id, r.days, r.template])).toEqual([
    ['manquant', [1, 3, 5], RULE.template],
    ['regle-2', [2], 'Bonjour {nom}, le rapport de {mois} manque.'],
  ])
  expect(await screen.findByText('Reminder rules saved')).toBeTruthy()
  expect(await screen.findByText('Rappel du 2', { selector: 'strong' })).toBeTruthy()
})

test('a supervisor reads the rules and the send log, with names and why a send failed, and changes nothing', async () => {
  renderReminders(SUPERVISOR)
  expect(await screen.findByText('Rapport manquant', { selector: 'strong' })).toBeTruthy()
  expect(screen.queryByRole('button', { name: 'Add a rule' })).toBeNull()
  expect(screen.queryByRole('button', { name: 'Check the reminders now' })).toBeNull()
  expect(screen.queryByRole('button', { name: /^Edit/ })).toBeNull()
  const log = await screen.findByRole('region', { name: 'Sent reminders' })
  await waitFor(() => expect(log.textContent).toContain('RC Afi Houénou'))
  expect(log.textContent).toContain('Failed — No phone number in DHIS2 for this person')
  expect(log.textContent).toContain('Sent — delivered to the phone')
})

test('a data manager has the due reminders checked now; a supervisor has no such button', async () => {
  const user = userEvent.setup()
  const view = renderReminders(MANAGER)
  await user.click(await screen.findByRole('button', { name: 'Check the reminders now' }))
  expect(await screen.findByText('The check has started')).toBeTruthy()
  expect(view.runs).toEqual(['gestionnaire'])
})

test('deleting a rule is confirmed as a deletion first, then the rules are saved without it', async () => {
  const user = userEvent.setup()
  const view = renderReminders(MANAGER)
  await user.click(await screen.findByRole('button', { name: 'Delete Rapport manquant' }))
  const dialog = await screen.findByRole('dialog')
  expect(within(dialog).getByText('Delete the rule?')).toBeTruthy()
  expect(view.posted).toEqual([])
  await user.click(within(dialog).getByRole('button', { name: 'Delete' }))
  await waitFor(() => expect(view.posted).toEqual([{ rules: [] }]))
  expect(await screen.findByText('No reminder rule yet, so nobody is reminded.')).toBeTruthy()
})

test('with a stored rule refused, saving warns first that the refused rule will be removed', async () => {
  const user = userEvent.setup()
  renderReminders(MANAGER, ['Rule 2 (« Ancien »): days: expected an array'])
  expect(await screen.findByText('Some stored rules were refused and are skipped')).toBeTruthy()
  await user.click(await screen.findByRole('button', { name: 'Delete Rapport manquant' }))
  const dialog = await screen.findByRole('dialog')
  expect(dialog.textContent).toContain('Saving rules from this screen removes the refused ones.')
})
