// « Envois aux partenaires / Partner deliveries » in the sync console, against the fake bridge (whose answers are
// checked against the bridge's own outbound schemas by renderSync).
import { configure, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { switchLanguage } from '../../shared/testing/switchLanguage'
import { mayReadOutbound } from '../logic/permissions'
import { answerText, outboundParams } from '../logic/outbound'
import { delivery, FakeBridge, httpError, T0 } from '../testing/fakeBridge'
import { ADMIN, renderSync } from '../testing/renderSync'
import { chooseIn, shownIn } from '../testing/selects'

jest.setTimeout(20_000)
configure({ asyncUtilTimeout: 5000 })

const card = (name: string) => screen.findByRole('article', { name })

function bridgeWithDeliveries(): FakeBridge {
  const bridge = new FakeBridge()
  bridge.outbound = [
    delivery('d-failed'),
    delivery('d-pending', {
      event: 'report.completed',
      status: 'pending',
      attempts: 2,
      lastStatus: 503,
      lastError: 'HTTP 503 Service Unavailable',
      history: [
        { at: T0, httpStatus: 503, error: 'HTTP 503 Service Unavailable' },
        { at: '2026-10-03T09:00:02.000Z', httpStatus: null, error: 'timeout after 10 s' },
      ],
      nextAttemptAt: '2026-10-03T09:05:00.000Z',
    }),
    delivery('d-done', {
      event: 'quarantine.growing',
      subscription: 'partenaire-unicef',
      status: 'delivered',
      lastStatus: 200,
      lastError: null,
      history: [{ at: T0, httpStatus: 200, error: null }],
      deliveredAt: T0,
    }),
  ]
  return bridge
}

describe('Synchronisation: partner deliveries', () => {
  it('lists each delivery with its event, partner, status, attempts and the partner’s last answer', async () => {
    renderSync({ bridge: bridgeWithDeliveries(), query: 'view=outbound' })
    const failed = within(await card('Run finished to partenaire-fhi'))
    expect(failed.getByText('Delivery failed')).toBeTruthy()
    expect(failed.getByText('1 in round 1')).toBeTruthy()
    expect(failed.getByText('HTTP 400 Bad Request')).toBeTruthy()
    expect(failed.getByText('d-failed')).toBeTruthy()
    expect(failed.getByRole('button', { name: 'Retry' })).toBeTruthy()

    const pending = within(await card('Report completed to partenaire-fhi'))
    expect(pending.getByText('To be sent')).toBeTruthy()
    expect(pending.getByText('Next attempt')).toBeTruthy()
    // being tried already, on its own backoff: no retry by hand
    expect(pending.queryByRole('button', { name: 'Retry' })).toBeNull()

    const done = within(await card('Quarantine growing to partenaire-unicef'))
    expect(done.getByText('Delivered')).toBeTruthy()
    expect(done.getByText('Delivered on')).toBeTruthy()
    expect(done.queryByRole('button', { name: 'Retry' })).toBeNull()
    expect(screen.getByText('Page 1 of 1 (3 in all)')).toBeTruthy()
  })

  it('shows the attempts of a delivery on opening it, newest first', async () => {
    renderSync({ bridge: bridgeWithDeliveries(), query: 'view=outbound' })
    const pending = within(await card('Report completed to partenaire-fhi'))
    expect(pending.queryByRole('list', { name: 'Attempts of this delivery' })).toBeNull()
    await userEvent.setup().click(pending.getByRole('button', { name: 'Show the attempts' }))
    const attempts = within(pending.getByRole('list', { name: 'Attempts of this delivery' }))
    const lines = attempts.getAllByRole('listitem').map((li) => li.textContent)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/no answer — timeout after 10 s$/)
    expect(lines[1]).toMatch(/\d — HTTP 503 Service Unavailable$/)
    expect(pending.getByRole('button', { name: 'Hide the attempts' }).getAttribute('aria-expanded')).toBe('true')
  })

  it('retries a failed delivery only after confirming, says so, and follows it until delivered', async () => {
    const bridge = bridgeWithDeliveries()
    renderSync({ bridge, query: 'view=outbound' })
    const user = userEvent.setup()
    const failed = within(await card('Run finished to partenaire-fhi'))
    await user.click(failed.getByRole('button', { name: 'Retry' }))
    const dialog = within(await screen.findByRole('dialog'))
    expect(dialog.getByText('Send this delivery again?')).toBeTruthy()
    expect(bridge.requestsTo('create', 'outbound/d-failed/retry')).toEqual([])
    await user.click(dialog.getByRole('button', { name: 'Retry' }))

    expect(await screen.findByText('Delivery sent again')).toBeTruthy()
    expect(
      screen.getByText('Round 2 has started. The bridge sends « Run finished » to partenaire-fhi in a moment.'),
    ).toBeTruthy()
    expect(bridge.requestsTo('create', 'outbound/d-failed/retry')).toHaveLength(1)
    expect(screen.queryByRole('dialog')).toBeNull()
    const retried = within(await card('Run finished to partenaire-fhi'))
    await waitFor(() => expect(retried.getByText('Delivered')).toBeTruthy())
    expect(retried.getByText('1 in round 2')).toBeTruthy()
    expect(retried.queryByRole('button', { name: 'Retry' })).toBeNull()
  })

  it('says why the bridge refused a retry, and the delivery stays as it was', async () => {
    const bridge = bridgeWithDeliveries()
    bridge.overrides.set('create outbound/d-failed/retry', () => {
      throw httpError(409, { error: 'state-conflict', message: 'Outbound delivery d-failed is pending, not failed.' })
    })
    renderSync({ bridge, query: 'view=outbound' })
    const user = userEvent.setup()
    await user.click(within(await card('Run finished to partenaire-fhi')).getByRole('button', { name: 'Retry' }))
    const dialog = within(await screen.findByRole('dialog'))
    await user.click(dialog.getByRole('button', { name: 'Retry' }))
    expect(await dialog.findByText('The delivery was not sent again')).toBeTruthy()
    expect(dialog.getByText('Outbound delivery d-failed is pending, not failed.')).toBeTruthy()
    expect(screen.queryByText('Delivery sent again')).toBeNull()
    await user.click(dialog.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('filters by status, in the address, and pages like the other lists', async () => {
    const bridge = new FakeBridge()
    bridge.outbound = Array.from({ length: 25 }, (_, i) => delivery(`d-${i}`))
    renderSync({ bridge, query: 'view=outbound' })
    const user = userEvent.setup()
    expect(await screen.findByText('Page 1 of 2 (25 in all)')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Next' }))
    expect(await screen.findByText('Page 2 of 2 (25 in all)')).toBeTruthy()
    expect(bridge.requestsTo('read', 'outbound').at(-1)?.params).toMatchObject({ page: 2, pageSize: 20 })

    await chooseIn(user, 'Delivery status', 'Delivered')
    expect(await screen.findByText('No delivery with this status.')).toBeTruthy()
    expect(bridge.requestsTo('read', 'outbound').at(-1)?.params).toEqual({ page: 1, pageSize: 20, status: 'delivered' })
    // the filter comes back from the address (useSyncNav), as after a reload or a shared link
    expect(shownIn('Delivery status')).toBe('Delivered')
  })

  it('says plainly when nothing was sent, and where partners are subscribed', async () => {
    renderSync({ query: 'view=outbound' })
    expect(await screen.findByText('No delivery to partners')).toBeTruthy()
    expect(screen.getByText(/relais\.config\.yaml, under outbound:\./)).toBeTruthy()
  })

  it('is a tab of the console for a data manager and an administrator', async () => {
    renderSync({ bridge: bridgeWithDeliveries() })
    const user = userEvent.setup()
    await user.click(await screen.findByRole('tab', { name: 'Partner deliveries' }))
    expect(await card('Run finished to partenaire-fhi')).toBeTruthy()
  })

  it('speaks French', async () => {
    await switchLanguage('fr')
    try {
      renderSync({ user: ADMIN, bridge: bridgeWithDeliveries(), query: 'view=outbound' })
      const failed = within(await card('Exécution terminée vers partenaire-fhi'))
      expect(screen.getByRole('tab', { name: 'Envois aux partenaires' })).toBeTruthy()
      expect(failed.getByText("Échec de l'envoi")).toBeTruthy()
      expect(failed.getByText('1 au tour 1')).toBeTruthy()
      await userEvent.setup().click(failed.getByRole('button', { name: 'Réessayer' }))
      expect(await screen.findByText('Renvoyer cet envoi ?')).toBeTruthy()
    } finally {
      await switchLanguage('en')
    }
  })
})

describe('partner deliveries: pure logic', () => {
  it('is for the roles with outbound:read only, as the bridge decides', () => {
    expect(mayReadOutbound(['gestionnaire'])).toBe(true)
    expect(mayReadOutbound(['administrateur'])).toBe(true)
    expect(mayReadOutbound(['superviseur'])).toBe(false)
    expect(mayReadOutbound(['relais'])).toBe(false)
  })

  it('words the partner’s answer and drops an unknown status from the query', () => {
    expect(answerText(503, 'HTTP 503 Service Unavailable')).toBe('HTTP 503 Service Unavailable')
    expect(answerText(400, 'HTTP 400')).toBe('HTTP 400')
    expect(answerText(302, 'a redirect, not followed')).toBe('HTTP 302 — a redirect, not followed')
    expect(answerText(200, null)).toBe('HTTP 200')
    expect(answerText(null, 'timeout after 10 s')).toBe('no answer — timeout after 10 s')
    expect(answerText(null, null)).toBe('')
    expect(outboundParams('lost', 0)).toEqual({ page: 1, pageSize: 20 })
    expect(outboundParams('failed', 3)).toEqual({ page: 3, pageSize: 20, status: 'failed' })
  })
})
