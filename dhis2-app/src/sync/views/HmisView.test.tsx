// « SNIS national / National HMIS » in the sync console, against the fake bridge (whose answers are checked against
// the bridge's own hmis schemas by renderSync).
import { configure, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { captureDownloads } from '../../shared/testing/downloads'
import { switchLanguage } from '../../shared/testing/switchLanguage'
import type { HmisReportLine } from '../api/types'
import {
  countsInOrder,
  monthLabel,
  pageOfPushes,
  planLinePage,
  pushableMonths,
  reportCsv,
  statusesOfFilter,
} from '../logic/hmis'
import { mayPushHmis, mayReadHmis } from '../logic/permissions'
import {
  FakeBridge,
  HMIS_NOT_CONFIGURED,
  hmisLine,
  hmisPush,
  httpError,
  lineCounts,
  refusedLine,
} from '../testing/fakeBridge'
import { ADMIN, renderSync, SERVER_DATE } from '../testing/renderSync'
import { chooseIn, shownIn } from '../testing/selects'

jest.setTimeout(20_000)
configure({ asyncUtilTimeout: 5000 })

const card = (name: string | RegExp) => screen.findByRole('article', { name })

// The months the form offers depend on today: the one before this month (the default), and the one before that.
const [LAST_MONTH, MONTH_BEFORE] = pushableMonths(SERVER_DATE) as [string, string]
const month = (m: string) => monthLabel(m, 'en')

/** A done push of October 2026 with `lines` as its report. */
function bridgeWithReport(lines: HmisReportLine[], id = 'push-1'): FakeBridge {
  const bridge = new FakeBridge()
  bridge.hmis = {
    pushes: [hmisPush(id, { counts: lineCounts(lines), importCounts: { imported: 2, updated: 0, ignored: 1 } })],
    lines: new Map([[id, lines]]),
  }
  return bridge
}

const REPORT = [
  hmisLine(),
  hmisLine({ dataElement: 'RC_CAUSERIES.default', nationalDataElement: 'SNIGS_SC_CAUS.default' }),
  refusedLine(),
  hmisLine({
    dataElement: 'RC_VAD.default',
    programmeValue: '42',
    nationalValue: '47',
    status: 'different',
    reason: { en: 'accepted but it holds 47 when read back', fr: 'acceptée mais il contient 47 à la relecture' },
  }),
]

describe('Synchronisation: national HMIS', () => {
  it('lists the pushes newest first with month, mode, status, who and the lines per status, paged', async () => {
    const bridge = new FakeBridge()
    bridge.hmis = {
      pushes: [
        hmisPush('p-new', { mode: 'dry-run', actor: 'afiavi', counts: { match: 3, refused: 1 } }),
        hmisPush('p-sched', { trigger: 'schedule', actor: 'schedule', period: '202609', counts: { match: 4 } }),
        hmisPush('p-failed', { mode: 'check', status: 'failed', error: 'national DHIS2 unreachable' }),
        ...Array.from({ length: 22 }, (_, i) => hmisPush(`p-${i}`, { period: '202601' })),
      ],
      lines: new Map(),
    }
    renderSync({ bridge, query: 'view=hmis' })
    const trial = within(await card('October 2026 — Trial'))
    expect(trial.getByText('Done')).toBeTruthy()
    expect(trial.getByText('afiavi')).toBeTruthy()
    const counts = within(trial.getByRole('list', { name: 'Report lines by status' }))
    expect(counts.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['1 Refused value', '3 Match'])
    expect(within(await card('September 2026 — Push')).getByText('the monthly schedule')).toBeTruthy()
    const failed = within(await card('October 2026 — Check'))
    expect(failed.getByText('Failed')).toBeTruthy()
    expect(failed.getByText('national DHIS2 unreachable')).toBeTruthy()
    // newest first, as the bridge lists them
    const titles = screen.getAllByRole('article').map((a) => a.querySelector('h3')?.textContent)
    expect(titles.slice(0, 3)).toEqual(['October 2026 — Trial', 'September 2026 — Push', 'October 2026 — Check'])
    expect(titles).toHaveLength(20)
    expect(screen.getByText('Page 1 of 2 (25 in all)')).toBeTruthy()
    await userEvent.setup().click(screen.getByRole('button', { name: 'Next' }))
    expect(await screen.findByText('Page 2 of 2 (25 in all)')).toBeTruthy()
    expect(screen.getAllByRole('article')).toHaveLength(5)
  })

  it('runs a trial at once, follows it until done and opens its report: everything but the matches', async () => {
    const bridge = new FakeBridge()
    bridge.nextHmisLines = () => REPORT
    renderSync({ bridge, query: 'view=hmis' })
    const user = userEvent.setup()
    await screen.findByRole('combobox', { name: 'Mode' })
    expect(shownIn('Mode')).toBe('Trial (nothing is written)')
    await chooseIn(user, 'Month', month(MONTH_BEFORE))
    await user.click(screen.getByRole('button', { name: 'Start' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(bridge.requestsTo('create', 'hmis/pushes').map((r) => r.data)).toEqual([
      { period: MONTH_BEFORE, mode: 'dry-run' },
    ])

    // The report: the push, its counts of every status, then the lines that are not matches.
    expect(await card(`${month(MONTH_BEFORE)} — Trial`)).toBeTruthy()
    const summary = within(await screen.findByRole('list', { name: 'Report summary' }))
    expect(summary.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '1 Refused value',
      '1 Different',
      '0 Missing at national',
      '0 National only',
      '0 Not mapped',
      '2 Match',
    ])
    const refused = within(await card('ZS-MO-04 → SNIGS-ZS-MO04'))
    expect(refused.getByText('Refused value')).toBeTruthy()
    expect(refused.getByText(/^refused by the national DHIS2: Organisation unit not found/)).toBeTruthy()
    expect(refused.getByText('SNIGS_SC_VAD.default')).toBeTruthy()
    expect(refused.getByText('RC_VAD.default')).toBeTruthy()
    const different = within(await card('ZS-AQ-01 → SNIGS-ZS-AQ01'))
    expect(different.getByText('47')).toBeTruthy()
    expect(different.getByText('accepted but it holds 47 when read back')).toBeTruthy()
    expect(screen.getAllByRole('article')).toHaveLength(3) // the push and its two differences, no match
    expect(screen.getByText('Page 1 of 1 (2 in all)')).toBeTruthy()
  })

  it('asks before « Send », naming the month and that values are written in the national instance', async () => {
    const bridge = new FakeBridge()
    bridge.nextHmisLines = () => [hmisLine(), refusedLine()]
    renderSync({ bridge, query: 'view=hmis' })
    const user = userEvent.setup()
    await screen.findByRole('combobox', { name: 'Mode' })
    await chooseIn(user, 'Mode', 'Send')
    await user.click(screen.getByRole('button', { name: 'Start' }))
    let dialog = within(await screen.findByRole('dialog'))
    expect(shownIn('Month')).toBe(month(LAST_MONTH))
    expect(dialog.getByText(`Push ${month(LAST_MONTH)} to the national HMIS?`)).toBeTruthy()
    expect(
      dialog.getByText(`for ${month(LAST_MONTH)} will be written in the national instance`, { exact: false }),
    ).toBeTruthy()
    await user.click(dialog.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(bridge.requestsTo('create', 'hmis/pushes')).toEqual([])

    await user.click(screen.getByRole('button', { name: 'Start' }))
    dialog = within(await screen.findByRole('dialog'))
    await user.click(dialog.getByRole('button', { name: 'Send' }))
    expect(await card(`${month(LAST_MONTH)} — Push`)).toBeTruthy()
    expect(bridge.requestsTo('create', 'hmis/pushes').map((r) => r.data)).toEqual([
      { period: LAST_MONTH, mode: 'push' },
    ])
    expect(await card('ZS-MO-04 → SNIGS-ZS-MO04')).toBeTruthy()
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('filters the lines by status, in the address, reading a page across statuses from the bridge', async () => {
    const lines = [
      ...Array.from({ length: 15 }, (_, i) => refusedLine({ programmeValue: `${i}` })),
      ...Array.from({ length: 10 }, (_, i) =>
        hmisLine({ status: 'different', programmeValue: `${100 + i}`, nationalValue: '0' }),
      ),
      ...Array.from({ length: 30 }, () => hmisLine()),
    ]
    const bridge = bridgeWithReport(lines)
    renderSync({ bridge, query: 'view=hmis&push=push-1' })
    const user = userEvent.setup()
    expect(await screen.findByText('Page 1 of 2 (25 in all)')).toBeTruthy()
    expect(screen.getAllByRole('article', { name: 'ZS-MO-04 → SNIGS-ZS-MO04' })).toHaveLength(15)
    expect(screen.getAllByRole('article', { name: 'ZS-AQ-01 → SNIGS-ZS-AQ01' })).toHaveLength(5)
    await user.click(screen.getByRole('button', { name: 'Next' }))
    expect(await screen.findByText('Page 2 of 2 (25 in all)')).toBeTruthy()
    await waitFor(() => expect(screen.getAllByRole('article', { name: 'ZS-AQ-01 → SNIGS-ZS-AQ01' })).toHaveLength(5))
    expect(screen.getByText('105')).toBeTruthy() // the sixth different line: page 2 starts where page 1 ended

    await chooseIn(user, 'Lines shown', 'Match')
    expect(await screen.findByText('Page 1 of 2 (30 in all)')).toBeTruthy()
    const last = bridge.requestsTo('read', 'hmis/pushes/push-1').at(-1)
    expect(last?.params).toEqual({ status: 'match', page: 1, pageSize: 20 })
    expect(shownIn('Lines shown')).toBe('Match')

    await chooseIn(user, 'Lines shown', 'National only')
    expect(await screen.findByText('No line with this status.')).toBeTruthy()
  })

  it('downloads the lines of the filter as CSV, in French with « ; », a decimal comma and the French reasons', async () => {
    await switchLanguage('fr')
    const downloads = captureDownloads()
    try {
      const bridge = bridgeWithReport([
        hmisLine(),
        refusedLine({ programmeValue: '12.5' }),
        ...Array.from({ length: 120 }, () => hmisLine({ status: 'different', nationalValue: '40' })),
      ])
      renderSync({ user: ADMIN, bridge, query: 'view=hmis&push=push-1' })
      await screen.findByText('Page 1 sur 7 (121 en tout)')
      await userEvent.setup().click(screen.getByRole('button', { name: 'Exporter en CSV, Rapport de rapprochement' }))
      await waitFor(() => expect(downloads.names).toEqual(['snis_202610_push.csv']))
      const text = await downloads.text()
      const rows = text.split('\r\n')
      expect(rows[0]).toMatch(/^\uFEFF?Période;Zone sanitaire;Zone nationale;Case nationale;Case du programme;/)
      expect(rows[1]).toBe(
        '202610;ZS-MO-04;SNIGS-ZS-MO04;SNIGS_SC_VAD.default;RC_VAD.default;12,5;;Valeur refusée;' +
          'refusé par le DHIS2 national : Organisation unit not found or not accessible: `SNIGS-ZS-MO04`;' +
          'Organisation unit not found or not accessible: `SNIGS-ZS-MO04`',
      )
      // every line of the filter (two pages of the bridge), not only the page on screen; no match
      expect(rows.filter((r) => r.includes(';Différente;'))).toHaveLength(120)
      expect(rows.some((r) => r.includes('Identique'))).toBe(false)
    } finally {
      downloads.restore()
      await switchLanguage('en')
    }
  })

  it('follows a running push until it is done', async () => {
    const bridge = new FakeBridge()
    bridge.hmis = { pushes: [hmisPush('p-run', { status: 'running', finishedAt: null })], lines: new Map() }
    bridge.nextHmisLines = () => [refusedLine()]
    renderSync({ bridge, query: 'view=hmis&push=p-run' })
    expect(await card('ZS-MO-04 → SNIGS-ZS-MO04')).toBeTruthy()
    expect(within(await card('October 2026 — Push')).getByText('Done')).toBeTruthy()
    expect(bridge.requestsTo('read', 'hmis/pushes/p-run').length).toBeGreaterThanOrEqual(2)
  })

  it('says why a push failed, with no lines to filter', async () => {
    const bridge = new FakeBridge()
    bridge.hmis = {
      pushes: [hmisPush('p-f', { status: 'failed', error: 'the national DHIS2 did not answer (timeout)' })],
      lines: new Map(),
    }
    renderSync({ bridge, query: 'view=hmis&push=p-f' })
    expect(await screen.findByText('This push failed')).toBeTruthy()
    expect(screen.getAllByText('the national DHIS2 did not answer (timeout)').length).toBeGreaterThan(0)
    expect(screen.queryByRole('combobox', { name: 'Lines shown' })).toBeNull()
    await userEvent.setup().click(screen.getByRole('button', { name: 'Back to the pushes' }))
    expect(await screen.findByRole('button', { name: 'Open the report' })).toBeTruthy()
  })

  it('says plainly when the bridge has no national HMIS configured, and where to set it, from its list alone', async () => {
    const bridge = new FakeBridge()
    bridge.hmis = undefined
    renderSync({ bridge, query: 'view=hmis' })
    expect(await screen.findByText('No national HMIS is configured in the bridge')).toBeTruthy()
    expect(screen.getByText(/adds one in relais\.config\.yaml, under hmis: /)).toBeTruthy()
    // Nothing to push to: no « Start », no push tried to learn it, and not « no push yet » either.
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull()
    expect(screen.queryByText('No push to the national HMIS yet')).toBeNull()
    expect(bridge.requestsTo('create', 'hmis/pushes')).toEqual([])
  })

  it('says it from the list’s flag, with the pushes made before the national HMIS was turned off', async () => {
    const bridge = new FakeBridge()
    bridge.hmis = { pushes: [hmisPush('p-old')], lines: new Map(), configured: false }
    renderSync({ bridge, query: 'view=hmis' })
    expect(await screen.findByText('No national HMIS is configured in the bridge')).toBeTruthy()
    expect(await card('October 2026 — Push')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull()
    expect(bridge.requestsTo('create', 'hmis/pushes')).toEqual([])
  })

  it('says an empty list plainly when the bridge has a national HMIS', async () => {
    renderSync({ bridge: new FakeBridge(), query: 'view=hmis' })
    expect(await screen.findByText('No push to the national HMIS yet')).toBeTruthy()
    expect(screen.getByText('Nothing has been pushed to the national HMIS yet.')).toBeTruthy()
    expect(await screen.findByRole('button', { name: 'Start' })).toBeTruthy()
    expect(screen.queryByText('No national HMIS is configured in the bridge')).toBeNull()
  })

  it('shows a refused push as the bridge words it, whatever its words: the notice comes from the list', async () => {
    const bridge = new FakeBridge()
    // The list says configured; the push is refused all the same (the bridge restarted without `hmis:` meanwhile).
    bridge.overrides.set('create hmis/pushes', () => {
      throw httpError(409, { error: 'state-conflict', message: HMIS_NOT_CONFIGURED })
    })
    renderSync({ bridge, query: 'view=hmis' })
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Start' }))
    expect(await screen.findByText('The push to the national HMIS could not start')).toBeTruthy()
    expect(screen.getAllByText(HMIS_NOT_CONFIGURED).length).toBeGreaterThan(0)
    expect(screen.queryByText('No national HMIS is configured in the bridge')).toBeNull()
  })

  it('is a tab of the console for a data manager', async () => {
    renderSync({ bridge: bridgeWithReport(REPORT) })
    await userEvent.setup().click(await screen.findByRole('tab', { name: 'National HMIS' }))
    expect(await card('October 2026 — Push')).toBeTruthy()
  })

  it('speaks French, with the reasons in French', async () => {
    await switchLanguage('fr')
    try {
      renderSync({ bridge: bridgeWithReport(REPORT), query: 'view=hmis' })
      expect(await screen.findByRole('tab', { name: 'SNIS national' })).toBeTruthy()
      await screen.findByRole('combobox', { name: 'Mode' })
      expect(shownIn('Mode')).toBe("Essai (rien n'est écrit)")
      const user = userEvent.setup()
      await user.click(within(await card('octobre 2026 — Envoi')).getByRole('button', { name: 'Ouvrir le rapport' }))
      const refused = within(await card('ZS-MO-04 → SNIGS-ZS-MO04'))
      expect(refused.getByText('Valeur refusée')).toBeTruthy()
      expect(refused.getByText(/^refusé par le DHIS2 national :/)).toBeTruthy()
      expect(shownIn('Lignes affichées')).toBe('Tout sauf les identiques')
    } finally {
      await switchLanguage('en')
    }
  })
})

describe('national HMIS: pure logic', () => {
  it('is for the roles with hmis:read and hmis:push, as the bridge decides', () => {
    for (const check of [mayReadHmis, mayPushHmis]) {
      expect(check(['gestionnaire'])).toBe(true)
      expect(check(['administrateur'])).toBe(true)
      expect(check(['superviseur'])).toBe(false)
      expect(check(['relais'])).toBe(false)
    }
  })

  it('plans a page across statuses with the bridge’s own pages', () => {
    const counts = { refused: 15, different: 30, match: 100 }
    const statuses = statusesOfFilter('')
    expect(statuses).not.toContain('match')
    expect(planLinePage(counts, statuses, 1)).toEqual({
      pager: { page: 1, pageSize: 20, total: 45, pageCount: 3 },
      fetches: [
        { status: 'refused', page: 1, pageSize: 20, skip: 0, take: 15 },
        { status: 'different', page: 1, pageSize: 20, skip: 0, take: 5 },
      ],
    })
    // lines 5..24 of `different`: the end of the bridge's page 1 and the start of its page 2
    expect(planLinePage(counts, statuses, 2).fetches).toEqual([
      { status: 'different', page: 1, pageSize: 20, skip: 5, take: 15 },
      { status: 'different', page: 2, pageSize: 20, skip: 0, take: 5 },
    ])
    expect(planLinePage(counts, statuses, 3).fetches).toEqual([
      { status: 'different', page: 2, pageSize: 20, skip: 5, take: 5 },
    ])
    expect(planLinePage(counts, statuses, 9).fetches).toEqual([])
    expect(planLinePage(counts, statusesOfFilter('match'), 5).fetches).toEqual([
      { status: 'match', page: 5, pageSize: 20, skip: 0, take: 20 },
    ])
    expect(statusesOfFilter('all')).toHaveLength(6)
    expect(statusesOfFilter('lost')).toEqual(statuses)
  })

  it('offers the months before this one, newest first, and pages the pushes', () => {
    expect(pushableMonths('2026-01-10T08:00:00.000', 3)).toEqual(['2025-12', '2025-11', '2025-10'])
    expect(pushableMonths('2026-11-20', 2)).toEqual(['2026-10', '2026-09'])
    expect(monthLabel('202610', 'fr')).toBe('octobre 2026')
    expect(monthLabel('2026-10', 'en')).toBe('October 2026')
    expect(pageOfPushes([1, 2, 3], 5, 2)).toEqual({
      items: [3],
      pager: { page: 2, pageSize: 2, total: 3, pageCount: 2 },
    })
    expect(countsInOrder({ match: 2, refused: 1, unmapped: 0 })).toEqual([
      { status: 'refused', count: 1 },
      { status: 'match', count: 2 },
    ])
  })

  it('writes numbers as numbers in the CSV, anything else as text', () => {
    const { rows } = reportCsv([hmisLine({ programmeValue: '12.5', nationalValue: 'true' })], 'en')
    expect(rows[0]?.slice(5, 7)).toEqual([12.5, 'true'])
  })
})
