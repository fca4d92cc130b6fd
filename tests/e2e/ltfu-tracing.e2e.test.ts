/**
 * Issue 19 §3, « Done when »: an LTFU list → RC task → outcome → back to the site, end to end, with no identifier
 * in clear anywhere but the inbound and outbound messages of that site.
 *
 * A real `relais serve` (PostgreSQL ledger, Redis DB 2), the DHIS2 stand-in over HTTP, and a small HIV care site
 * (tests/support/hiv-site.ts): the site sends a signed CSV list with names, phones and birth dates; the bridge makes
 * one event per case in the RC's org unit (one by RC code, one by aire sanitaire + locality), quarantines the case
 * whose RC it cannot find, refuses the bad row by number; the RC records the outcome in the Relais app, served by
 * the stand-in, on a 375 px phone in French (the seam between the app's write and the bridge's read); the bridge
 * sends the outcome to the site, signed, keyed by the
 * site's own id, and audits the re-identification. Then the proof: the ledger (every table, as text), the bridge's
 * logs and DHIS2's stored events hold none of the patients' ids, names, phones or birth dates.
 *
 * Needs Redis on 127.0.0.1:6379 and PostgreSQL at RELAIS_TEST_PG_URL.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStandin, DEMO_BRIDGE_TOKEN, type Standin } from '@relais/dhis2-standin'
import type { Browser } from 'playwright-core'
import { createDatabase, PSEUDONYM_KEY, ROUTE_SECRET, type ThrowawayDatabase } from '../faults/support'
import { signIn } from '../support/app-page'
import { spawnBridge, type ServeChild } from '../support/bridge-process'
import { launchBrowser, phoneContext } from '../support/browser'
import { ensureBuiltApp } from '../support/built-app'
import { listCsv, startHivSite, type SitePatient } from '../support/hiv-site'
import { runRelais } from '../support/relais-cli'

jest.setTimeout(180_000)

const LIST_SECRET = 'site-cnhu-list-secret-0123456789abcdef0123456789'
const OUTCOMES_SECRET = 'site-cnhu-outcomes-secret-0123456789abcdef01234'
const API_KEY = 'tracing-e2e-gestionnaire-0123456789abcdef0123456789'
const ADMIN = `Basic ${Buffer.from('admin:district').toString('base64')}`
const RC_USER = `Basic ${Buffer.from('relais:Relais-2026').toString('base64')}`
const SITE = 'SITE-CNHU'

let dhis2: Standin
let db: ThrowawayDatabase
let bridge: ServeChild
let site: Awaited<ReturnType<typeof startHivSite>>
let env: Record<string, string>
let browser: Browser

interface Unit {
  id: string
  code: string
  name: string
  parent?: { code?: string }
}

const get = async <T>(path: string, auth = ADMIN): Promise<T> => {
  const res = await fetch(`${dhis2.url}${path}`, { headers: { Authorization: auth, Accept: 'application/json' } })
  if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, ms = 60_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${bridge?.output().slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
let patients: SitePatient[]
let rcOfUser: Unit
let rcByLocality: Unit

beforeAll(async () => {
  // The stand-in serves the Relais app too: the RC records the outcome in it.
  dhis2 = createStandin({ seed: 'small', months: 0, testEndpoints: true, apps: { relais: ensureBuiltApp() } })
  await dhis2.listen()
  browser = await launchBrowser()
  const units = (
    await get<{ organisationUnits: Unit[] }>(
      '/api/organisationUnits?filter=level:eq:5&fields=id,code,name,parent[code]&paging=false',
    )
  ).organisationUnits
  const me = await get<{ organisationUnits: { id: string }[] }>('/api/me?fields=organisationUnits[id]', RC_USER)
  rcOfUser = units.find((u) => u.id === me.organisationUnits[0]!.id)!
  // An RC alone in its village within its aire: found by the aire's code and the locality.
  const village = (u: Unit) => /\(([^()]+)\)\s*$/.exec(u.name)?.[1] ?? ''
  rcByLocality = units.find(
    (u) =>
      u.id !== rcOfUser.id &&
      units.filter((o) => o.parent?.code === u.parent?.code && village(o) === village(u)).length === 1,
  )!
  patients = [
    {
      id: 'CNHU-2026-00123',
      name: 'Houndjo Mireille',
      phone: '+229 97 11 22 33',
      sex: 'F',
      birthDate: '1991-04-17',
      missed: day(-20),
      locality: 'Akpakpa',
      rcCode: rcOfUser.code.toLowerCase(),
    },
    {
      id: 'CNHU-2026-00456',
      name: 'Zinsou Gbènoukpo',
      phone: '+229 96 44 55 66',
      sex: 'M',
      birthDate: '2008-11-02',
      missed: day(-12),
      locality: village(rcByLocality),
      areaCode: rcByLocality.parent!.code!,
    },
    {
      id: 'CNHU-2026-00789',
      name: 'Ahouansou Clarisse',
      phone: '+229 95 77 88 99',
      sex: 'F',
      birthDate: '1985-06-30',
      missed: day(-9),
      locality: 'Nulle-Part',
      areaCode: 'AS-XX-99-99',
    },
    // refused: no sex, a missed appointment in the future
    {
      id: 'CNHU-2026-00999',
      name: 'Dossou Rachidi',
      phone: '+229 94 00 11 22',
      sex: '' as 'M',
      birthDate: '1979-01-05',
      missed: day(30),
      locality: 'Cadjèhoun',
      rcCode: rcOfUser.code,
    },
  ]
  db = await createDatabase('relais_ltfu')
  site = await startHivSite({ listSecret: LIST_SECRET, outcomesSecret: OUTCOMES_SECRET })
  env = {
    DHIS2_URL: dhis2.url,
    DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
    REDIS_URL: 'redis://127.0.0.1:6379/2',
    DATABASE_URL: db.url,
    RELAIS_ROUTE_SECRET: ROUTE_SECRET,
    RELAIS_PSEUDONYM_KEY: PSEUDONYM_KEY,
    RELAIS_API_KEYS: `ltfu:gestionnaire:${API_KEY}`,
    SITE_CNHU_SECRET: LIST_SECRET,
    SITE_CNHU_OUTCOMES_SECRET: OUTCOMES_SECRET,
  }
  const configFile = join(mkdtempSync(join(tmpdir(), 'relais-ltfu-')), 'relais.config.yaml')
  writeFileSync(
    configFile,
    [
      'sources: []',
      'tracing:',
      '  pollSeconds: 1',
      '  sites:',
      `    - code: ${SITE}`,
      '      name: CNHU Cotonou',
      '      format: csv',
      '      secretEnv: SITE_CNHU_SECRET',
      `      outcomesUrl: ${site.url}`,
      '      outcomesSecretEnv: SITE_CNHU_OUTCOMES_SECRET',
      '',
    ].join('\n'),
  )
  env.RELAIS_CONFIG = configFile
  bridge = await spawnBridge({ env: { ...env, LOG_LEVEL: 'debug' } })
  await bridge.ready
})

afterAll(async () => {
  await browser?.close()
  await bridge?.stop()
  await site?.close()
  await dhis2?.close()
  await db?.drop()
})

interface TrackerEvent {
  event: string
  orgUnit: string
  status: string
  dataValues: { dataElement: string; value: string }[]
}

async function programEvents(programId: string): Promise<TrackerEvent[]> {
  const body = await get<{ events?: TrackerEvent[]; instances?: TrackerEvent[] }>(
    `/api/tracker/events?program=${programId}&orgUnitMode=ACCESSIBLE&fields=*&paging=false`,
  )
  return body.events ?? body.instances ?? []
}

test('a list becomes RC tasks, an outcome goes back to the site, and no identifier is left in clear', async () => {
  // 1. The site's signed list: three cases taken, the bad row refused by number with its reasons.
  const sent = await site.sendList(bridge.url, SITE, listCsv(patients))
  expect(sent.status).toBe(200)
  expect(sent.body).toMatchObject({ rows: 4, accepted: 3, duplicates: 0 })
  expect(sent.body.refused).toEqual([
    expect.objectContaining({ rowNumber: 5, codes: ['sex-invalid', 'missed-appointment-future'] }),
  ])
  // A list sent again makes no second case; an unsigned one is refused.
  expect((await site.sendList(bridge.url, SITE, listCsv(patients.slice(0, 1)))).body).toMatchObject({
    accepted: 0,
    duplicates: 1,
  })
  const unsigned = await fetch(`${bridge.url}/api/v1/tracing/${SITE}/cases`, {
    method: 'POST',
    body: listCsv(patients),
  })
  expect(unsigned.status).toBe(401)

  // 2. One event per case, in the right RC's org unit, ACTIVE; the unmatched case waits in quarantine.
  const program = (
    await get<{ programs: { id: string }[] }>('/api/programs?filter=code:eq:RC_PDV_RECHERCHE&fields=id&paging=false')
  ).programs[0]!.id
  const des = new Map(
    (
      await get<{ dataElements: { id: string; code: string }[] }>(
        '/api/dataElements?filter=code:like:RC_PDV_&fields=id,code&paging=false',
      )
    ).dataElements.map((d) => [d.code, d.id]),
  )
  const events = await waitFor(async () => {
    const list = await programEvents(program)
    return list.length >= 2 ? list : undefined
  }, 'two tracing events in DHIS2')
  expect(events).toHaveLength(2)
  expect(events.map((e) => e.orgUnit).sort()).toEqual([rcOfUser.id, rcByLocality.id].sort())
  expect(events.every((e) => e.status === 'ACTIVE')).toBe(true)
  const valueOf = (e: TrackerEvent, code: string) => e.dataValues.find((v) => v.dataElement === des.get(code))?.value
  const task = events.find((e) => e.orgUnit === rcOfUser.id)!
  expect(valueOf(task, 'RC_PDV_SITE')).toBe(SITE)
  expect(valueOf(task, 'RC_PDV_SEXE')).toBe('F')
  expect(valueOf(task, 'RC_PDV_TRANCHE_AGE')).toBe('A_25PLUS')
  expect(valueOf(task, 'RC_PDV_LOCALITE')).toBe('Akpakpa')
  expect(valueOf(task, 'RC_PDV_RDV_MANQUE')).toBe(patients[0]!.missed)
  const code = valueOf(task, 'RC_PDV_PSEUDONYME')!
  expect(code).toMatch(/^PDV-[0-9A-Z]{5}-[0-9A-Z]{5}$/)

  interface CaseDto {
    id: string
    status: string
    reason: string | null
    outcome: string | null
  }
  interface Answer {
    items: CaseDto[]
    sites: { site: string; cases: number; traced: number; returnedToCare: number }[]
  }
  const api = (path: string) =>
    fetch(`${bridge.url}${path}`, { headers: { Authorization: `Bearer ${API_KEY}` } }).then(
      async (r) => (await r.json()) as Answer,
    )
  const quarantined = await waitFor(async () => {
    const list = await api('/api/v1/tracing/cases?status=quarantined')
    return list.items.length === 1 ? list.items[0] : undefined
  }, 'the unmatched case in quarantine')
  expect(quarantined.reason).toMatch(/^rc-not-found-in-area/)

  // 3. The RC records the outcome in the Relais app, on a phone, in French: the event completed, as the RC.
  const context = await phoneContext(browser)
  const page = await context.newPage()
  let outcomeDate: string
  try {
    await signIn(page, dhis2.url, 'relais', 'Relais-2026')
    await page.goto(`${dhis2.url}/api/apps/relais/index.html#/recherche-pdv`)
    const card = page
      .locator('[data-test="relais-tracing-task"]')
      .filter({ has: page.getByRole('heading', { name: code }) })
    await card.getByText('Akpakpa').waitFor({ timeout: 30_000 })
    // What the RC sees names nobody: neither the patient's name nor phone is on the screen.
    const screenText = await page.locator('main').innerText()
    expect(patients.filter((p) => screenText.includes(p.name) || screenText.includes(p.phone))).toEqual([])
    await card.getByRole('button', { name: 'Noter le résultat' }).tap()
    await card.getByText('Retrouvé et revenu aux soins').tap()
    outcomeDate = await card.getByLabel('Date du résultat').inputValue()
    await card.getByRole('button', { name: 'Enregistrer le résultat' }).tap()
    await page.getByRole('dialog').getByRole('button', { name: 'Clôturer la tâche' }).tap()
    await page.getByRole('heading', { name: 'Tâches à faire (0)' }).waitFor({ timeout: 30_000 })
  } finally {
    await context.close()
  }
  expect(outcomeDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)

  // 4. The site gets the outcome, signed, keyed by its own id; once.
  const outcome = await waitFor(async () => site.outcomes[0], 'the outcome at the site')
  expect(outcome.signatureOk).toBe(true)
  expect(outcome.json).toEqual({
    caseId: 'CNHU-2026-00123',
    outcome: 'RETROUVE_REVENU',
    outcomeDate,
    tracingCode: code,
  })
  const sentCase = await waitFor(async () => {
    const list = await api(`/api/v1/tracing/cases?tracingCode=${code}`)
    return list.items[0]?.status === 'outcome-sent' ? list.items[0] : undefined
  }, 'the case marked sent')
  expect(sentCase.outcome).toBe('RETROUVE_REVENU')
  const summary = await api('/api/v1/tracing/summary')
  expect(summary.sites).toEqual([expect.objectContaining({ site: SITE, cases: 3, traced: 1, returnedToCare: 1 })])
  const cli = await runRelais(['tracing', 'status', '--json'], env)
  expect(cli.status).toBe(0)
  expect(JSON.parse(cli.stdout)).toEqual({
    sites: [expect.objectContaining({ site: SITE, cases: 3, traced: 1, returned: 1 })],
  })
  const cases = await runRelais(['tracing', 'cases'], env)
  expect(cases.stdout).toContain(code)

  // 5. The re-identification was audited: who, what, why — no identifier.
  const audit = await db.query<{ actor: string; action: string; target: string; detail: unknown }>(
    `SELECT actor, action, target, detail FROM audit_log WHERE action = 'tracing.reidentify'`,
  )
  expect(audit).toEqual([
    expect.objectContaining({
      actor: 'relais-bridge',
      target: `tracing-case:${sentCase.id}`,
      detail: expect.objectContaining({ site: SITE, purpose: 'outcome-to-site', tracingCode: code }),
    }),
  ])
  await new Promise((r) => setTimeout(r, 2_500))
  expect(site.outcomes).toHaveLength(1)

  // 6. The proof: no id, name, phone or birth date in the ledger, the bridge's logs, or DHIS2's events.
  const secrets = patients.flatMap((p) => [
    p.id,
    p.id.replace(/-/g, ''),
    p.name,
    p.phone,
    p.phone.replace(/\D/g, ''),
    p.birthDate,
    p.birthDate.split('-').reverse().join('/'),
  ])
  const tables = await db.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`)
  let ledgerText = ''
  for (const { t } of tables) {
    const rows = await db.query<{ row: string }>(`SELECT to_jsonb(x)::text AS row FROM "${t}" x`)
    ledgerText += rows.map((r) => r.row).join('\n')
  }
  expect(ledgerText).toContain(code) // the scan reads the tracing tables
  const dhis2Text = JSON.stringify(await programEvents(program)) + JSON.stringify(dhis2.ctx.state.events?.all() ?? [])
  expect(dhis2Text).toContain(code)
  // The bridge's logs and what the CLI printed.
  const logs = bridge.output() + cli.stdout + cases.stdout
  expect(logs.length).toBeGreaterThan(0)
  const found = (text: string) => secrets.filter((s) => text.toLowerCase().includes(s.toLowerCase()))
  expect({ ledger: found(ledgerText), dhis2: found(dhis2Text), logs: found(logs) }).toEqual({
    ledger: [],
    dhis2: [],
    logs: [],
  })
})

test('with a weak RELAIS_PSEUDONYM_KEY the bridge refuses to start the tracing, in French and English', async () => {
  const weak = await spawnBridge({ env: { ...env, RELAIS_PSEUDONYM_KEY: 'a'.repeat(40) } })
  // Refused at once, before the ledger, Redis or DHIS2 are opened: the process ends by itself.
  const code = await Promise.race([
    weak.exited,
    new Promise<string>((r) => setTimeout(() => r('still running'), 30_000)),
  ])
  await weak.stop()
  expect(code).toBe(2)
  expect(weak.output()).toMatch(/ne démarre pas.*RELAIS_PSEUDONYM_KEY est trop faible.*does not start.*too weak/)
})
