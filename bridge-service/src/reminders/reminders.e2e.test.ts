/**
 * Reminders end to end (issue 15 §1) on PostgreSQL and Redis with the DHIS2 stand-in: rules read from DHIS2's
 * dataStore; on the 3rd, RC without a complete report get a DHIS2 message and an SMS through DHIS2's outbound
 * SMS API, in French with their name; the complete one gets nothing; an RC without a phone number gets the
 * message and a failed SMS that is visible and retried; nothing twice the same day, even with two bridge
 * processes ticking at once; quiet hours; escalation; « Relancer »; the effect once an RC completes.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { createStandin, DEMO_BRIDGE_TOKEN, type Standin } from '@relais/dhis2-standin'
import { Dhis2Client } from '../dhis2'
import { migrate, type Db } from '../ledger'
import { reminderSendsRepository } from '../ledger/reminder-sends'
import { pgTestDatabase } from '../ledger/test-support'
import { createLogger } from '../log/logger'
import { REDIS_URL } from '../pipeline/test-support'
import { RedisTickClaims } from '../pipeline/tick-claims'
import { ReminderJob } from './reminder-job'
import { DEFAULT_TEMPLATES } from './templates'

const database = pgTestDatabase()
let standin: Standin
let db: Db
let dhis2: Dhis2Client
// The reminders go by DHIS2's date: the stand-in's clock, moved by the tests.
const START = '2026-12-03T09:07:00Z' // 10:07 in Porto-Novo
const setClock = (iso: string) => api('/testing/clock', { method: 'POST', body: { now: iso } })
const ADMIN = `Basic ${Buffer.from('admin:district').toString('base64')}`
const PASSWORD = 'Relais-Test-2026!'
const logger = createLogger('silent')

async function api(path: string, init: { method?: string; body?: unknown; auth?: string } = {}) {
  const res = await fetch(`${standin.url}/api${path}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: init.auth ?? ADMIN, 'Content-Type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status} ${text}`)
  return text ? (JSON.parse(text) as Record<string, unknown>) : {}
}

const uid = (collection: 'organisationUnits' | 'dataSets' | 'userRoles', code: string) => {
  const { state } = standin.ctx
  const list: readonly { id: string; code?: string }[] =
    collection === 'userRoles' ? state.userRoles : (state.metadata[collection] ?? [])
  const found = list.find((o) => o.code === code)
  if (!found) throw new Error(`no ${collection} ${code}`)
  return found.id
}

const RCS = ['RC-AQ-00001', 'RC-AQ-00002', 'RC-AQ-00003', 'RC-AQ-00004']
const rcUser = (i: number) => `rc.test${i}`
/** DHIS2 uids are 11 characters. */
const testUserId = (i: number) => `rcTestUsr${i}x`
const job = (overrides: Partial<ConstructorParameters<typeof ReminderJob>[0]> = {}) =>
  new ReminderJob({ db, dhis2, logger, now: () => new Date(), dataSetCode: 'RC_MENSUEL', ...overrides })

/** The nearest supervisor of RC-AQ-00001: the seed's supervisor of its aire (the zone's comes after). */
const supervisorId = () => standin.ctx.state.users.find((u) => u.username === 'superviseur.aire')!.id

async function conversationsOf(username: string, password = PASSWORD) {
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  const body = await api('/messageConversations?fields=subject,messages[text]&paging=false', { auth })
  return body.messageConversations as { subject: string; messages: { text: string }[] }[]
}

async function smsTo(phone: string) {
  const body = await api('/sms/outbound?fields=message,recipients&paging=false')
  const list = (body.outboundSmss ?? []) as { message: string; recipients: unknown[] }[]
  return list.filter((s) => JSON.stringify(s.recipients).includes(phone.replace(/^\+/, '')))
}

async function complete(code: string, period: string, date: string) {
  await api('/completeDataSetRegistrations', {
    method: 'POST',
    body: {
      completeDataSetRegistrations: [
        {
          dataSet: uid('dataSets', 'RC_MENSUEL'),
          period,
          organisationUnit: uid('organisationUnits', code),
          date,
          completed: true,
        },
      ],
    },
  })
}

beforeAll(async () => {
  standin = createStandin({ seed: 'small', now: START, testEndpoints: true, months: 0 })
  await standin.listen()
  db = await database.open()
  await migrate(db)
  dhis2 = new Dhis2Client({ url: standin.url, auth: { kind: 'token', token: DEMO_BRIDGE_TOKEN }, timeoutMs: 5_000 })
  await api('/testing/sms-gateway', { method: 'POST', body: { configured: true } })
  // Four RC with their own account, the fourth without a phone number; they join the RC group.
  const users = RCS.map((code, i) => ({
    id: testUserId(i + 1),
    username: rcUser(i + 1),
    password: PASSWORD,
    firstName: `Afi${i + 1}`,
    surname: 'Houénou',
    ...(i < 3 ? { phoneNumber: `+2290190000${i + 1}0` } : {}),
    userRoles: [{ id: uid('userRoles', 'ROLE_SAISIE_RC') }],
    organisationUnits: [{ id: uid('organisationUnits', code) }],
  }))
  const groups = (await api('/userGroups?filter=code:eq:RELAIS_RC&fields=:owner&paging=false')).userGroups as {
    users?: { id: string }[]
  }[]
  const group = groups[0]!
  await api('/metadata', {
    method: 'POST',
    body: { users, userGroups: [{ ...group, users: [...(group.users ?? []), ...users.map((u) => ({ id: u.id }))] }] },
  })
  await api('/dataStore/relais/reminder-rules', {
    method: 'POST',
    body: {
      rules: [
        {
          id: 'manquant',
          name: 'Rapport manquant',
          audience: 'missing',
          days: [1, 3, 5],
          channels: ['message', 'sms'],
          template: "Bonjour {nom}, votre rapport de {mois} n'est pas complet. Date limite : {date_limite}.",
          escalateAfter: 1,
          holdoutPercent: 0,
        },
      ],
    },
  })
  await complete('RC-AQ-00002', '202611', '2026-12-02T08:00:00.000')
}, 60_000)

afterAll(async () => {
  await standin?.close()
  await database.dispose()
})

/** The sends of a day to this test's RC users (the small seed's own RC user is reminded too). */
const mine = async (day: string) =>
  (await reminderSendsRepository(db).ofPeriod('202611')).filter(
    (s) => s.day === day && s.recipient.startsWith('rcTestUsr'),
  )

test('on the 3rd, RC without a complete report get a DHIS2 message and an SMS; the complete one nothing', async () => {
  const summary = await job().tick()
  expect(summary).toMatchObject({ period: '202611', day: 3, problems: [] })
  const messages = await conversationsOf(rcUser(1))
  expect(messages).toHaveLength(1)
  expect(messages[0]!.messages[0]!.text).toBe(
    "Bonjour Afi1 Houénou, votre rapport de novembre 2026 n'est pas complet. Date limite : 5 décembre 2026.",
  )
  expect(await smsTo('+22901900001' + '0')).toHaveLength(1)
  expect(await conversationsOf(rcUser(2))).toHaveLength(0)
  expect(await smsTo('+22901900002' + '0')).toHaveLength(0)

  const rows = await mine('2026-12-03')
  const rc4 = uid('organisationUnits', 'RC-AQ-00004')
  expect(rows.filter((r) => r.status === 'sent')).toHaveLength(5) // RC 1 and 3 on both channels, RC 4 by message
  const failed = rows.filter((r) => r.status === 'failed')
  expect(failed).toEqual([
    expect.objectContaining({
      orgUnit: rc4,
      channel: 'sms',
      error: 'no phone number in DHIS2 for this user',
      attempts: 1,
    }),
  ])
  // What went is not kept; what failed keeps its words for the retry. No phone number in the ledger.
  expect(rows.filter((r) => r.status === 'sent').every((r) => r.text === null)).toBe(true)
  expect(failed[0]!.text).toContain('Bonjour Afi4 Houénou')
  expect(JSON.stringify(rows)).not.toContain('2290190000')
  // Each SMS sent is found in DHIS2's outbound SMS: its uid and status there are kept, not the number.
  const sms = rows.filter((r) => r.status === 'sent' && r.channel === 'sms')
  expect(sms).toHaveLength(2)
  expect(sms.every((r) => /^[A-Za-z][A-Za-z0-9]{10}$/.test(r.smsId ?? '') && r.delivery === 'SENT')).toBe(true)
  const listed = (await api('/sms/outbound?fields=id,recipients&paging=false')).outboundSmss as {
    id: string
    recipients: string[]
  }[]
  expect(
    listed.find((l) => l.id === sms.find((r) => r.orgUnit === uid('organisationUnits', 'RC-AQ-00001'))!.smsId),
  ).toMatchObject({ recipients: ['229019000010'] })
})

test('a second tick the same day sends nothing new; the failed SMS is retried once the phone is known', async () => {
  const before = await smsTo('+22901900001' + '0')
  await job().tick()
  expect(await smsTo('+22901900001' + '0')).toHaveLength(before.length)
  expect(await conversationsOf(rcUser(1))).toHaveLength(1)
  const rc4 = uid('organisationUnits', 'RC-AQ-00004')
  expect((await mine('2026-12-03')).find((r) => r.orgUnit === rc4 && r.channel === 'sms')).toMatchObject({
    status: 'failed',
    attempts: 2,
  })
  const user = await api(`/users/${testUserId(4)}?fields=:owner`)
  await api('/metadata', { method: 'POST', body: { users: [{ ...user, phoneNumber: '+22901900040' }] } })
  const summary = await job().tick()
  expect(summary.retried).toBe(1)
  expect(await smsTo('+22901900040')).toHaveLength(1)
  expect((await mine('2026-12-03')).find((r) => r.orgUnit === rc4 && r.channel === 'sms')).toMatchObject({
    status: 'sent',
    attempts: 3,
    text: null,
  })
})

test('quiet hours: a tick at 21:00 sends nothing, not even a retry', async () => {
  await setClock('2026-12-05T20:00:00Z') // 21:00 in Porto-Novo
  // An SMS of the day that failed (the gateway was down at 10:00): it waits for the morning.
  const repo = reminderSendsRepository(db)
  const [failed] = await repo.claim([
    {
      ruleId: 'manquant',
      kind: 'reminder',
      period: '202611',
      orgUnit: uid('organisationUnits', 'RC-AQ-00003'),
      zone: 'z',
      recipient: testUserId(3),
      channel: 'sms',
      day: '2026-12-05',
      template: 'missing:manquant',
      subject: 'Relais',
      text: 'Bonjour Afi3 Houénou, retry.',
    },
  ])
  await repo.markFailed(failed!.id, 'gateway down')
  const summary = await job().tick()
  expect(summary).toMatchObject({ planned: 0, retried: 0 })
  expect((await mine('2026-12-05')).map((r) => [r.status, r.attempts])).toEqual([['failed', 1]])
})

test('two bridge processes ticking at once send each reminder once; the supervisor is told after 1 reminder', async () => {
  await setClock('2026-12-05T09:07:00Z')
  // A second connection pool: another process's view of the same ledger.
  const other = await database.openAnother()
  const [a, b] = await Promise.all([job().tick(), job({ db: other }).tick()])
  expect(a.sent + b.sent).toBeGreaterThan(0)
  // The SMS that failed last evening goes in the morning (by one process or the other), with its own words.
  expect(a.retried + b.retried).toBe(1)
  expect((await smsTo('+229019000030')).filter((s) => s.message === 'Bonjour Afi3 Houénou, retry.')).toHaveLength(1)
  const rows = await mine('2026-12-05')
  const keys = rows.map((r) => `${r.orgUnit}|${r.channel}|${r.recipient}|${r.kind}`)
  expect(new Set(keys).size).toBe(keys.length)
  expect(await conversationsOf(rcUser(1))).toHaveLength(2)
  // RC 1 was reminded on the 3rd: its aire's supervisor is told once, on each channel. RC 3 and 4 are in an
  // area without a supervisor account: nobody to tell.
  const escalations = (await reminderSendsRepository(db).ofPeriod('202611')).filter((r) => r.kind === 'escalation')
  expect(escalations.map((r) => `${r.orgUnit}|${r.recipient}|${r.channel}`).sort()).toEqual(
    [
      `${uid('organisationUnits', 'RC-AQ-00001')}|${supervisorId()}|message`,
      `${uid('organisationUnits', 'RC-AQ-00001')}|${supervisorId()}|sms`,
    ].sort(),
  )
  const told = await conversationsOf('superviseur.aire', 'Relais-2026')
  expect(told.map((c) => c.messages[0]!.text)).toEqual([
    expect.stringContaining("n'a toujours pas complété son rapport de novembre 2026 après 1 rappel."),
  ])
})

test('« Relancer » by hand: refused when complete or already reminded today, sent otherwise', async () => {
  const j = job()
  expect((await j.remindNow(uid('organisationUnits', 'RC-AQ-00002'), ['sms'], 'awa')).outcome).toBe('complete')
  expect((await j.remindNow(uid('organisationUnits', 'RC-AQ-00001'), ['sms'], 'awa')).outcome).toBe('already-today')
  await setClock('2026-12-06T09:30:00Z')
  const manual = await j.remindNow(uid('organisationUnits', 'RC-AQ-00003'), ['message'], 'awa')
  expect(manual.outcome).toBe('sent')
  expect(manual.sends).toEqual([
    expect.objectContaining({ kind: 'manual', status: 'sent', actor: 'awa', channel: 'message' }),
  ])
  // An org unit the report is not assigned to (the zone), an RC without an account: nothing sent.
  const zone = standin.ctx.state.metadata.organisationUnits.find((o) => o.code === 'RC-AQ-00005')!.path.split('/')[3]!
  expect((await j.remindNow(zone, ['sms'], 'awa')).outcome).toBe('unknown-rc')
  expect((await j.remindNow(uid('organisationUnits', 'RC-AQ-00005'), ['sms'], 'awa')).outcome).toBe('no-user')
  // One RC's accounts are read, not the whole programme's RC and supervisors (a click, not a national scan).
  const requests: string[] = []
  const watched = new Dhis2Client({
    url: standin.url,
    auth: { kind: 'token', token: DEMO_BRIDGE_TOKEN },
    timeoutMs: 5_000,
    onRequest: (e) => requests.push(e.request),
  })
  await job({ dhis2: watched }).remindNow(uid('organisationUnits', 'RC-AQ-00004'), ['message'], 'awa')
  expect(requests.filter((r) => r === 'GET /api/users')).toHaveLength(1)
})

test('a send left pending by a killed process is taken as failed after 15 minutes and sent again', async () => {
  await setClock('2026-12-06T09:07:00Z')
  const repo = reminderSendsRepository(db)
  const [cut] = await repo.claim([
    {
      ruleId: 'manquant',
      kind: 'reminder',
      period: '202611',
      orgUnit: uid('organisationUnits', 'RC-AQ-00004'),
      zone: 'z',
      recipient: testUserId(4),
      channel: 'sms',
      day: '2026-12-06',
      template: 'missing:manquant',
      subject: 'Relais',
      text: 'Bonjour Afi4 Houénou, interrupted.',
    },
  ])
  // Recorded 20 minutes ago; the process died before DHIS2 answered.
  await db.query(`UPDATE reminder_sends SET touched_at = now() - interval '20 minutes' WHERE id = $1`, [cut!.id])
  await job().tick()
  const row = (await repo.ofPeriod('202611')).find((r) => r.id === cut!.id)
  expect(row).toMatchObject({ status: 'sent', attempts: 2, text: null })
  expect((await smsTo('+22901900040')).filter((s) => s.message === 'Bonjour Afi4 Houénou, interrupted.')).toHaveLength(
    1,
  )
})

test('the effect: share of reminded RC who completed within 3 days', async () => {
  await complete('RC-AQ-00001', '202611', '2026-12-06T11:00:00.000')
  const rows = await job().effect()
  const all = rows.find((r) => r.period === '202611' && r.zone === null)!
  // Observations (RC × day): RC 1 on the 3rd and 5th (completed on the 6th: within 3 days of both), RC 3 on the
  // 3rd, 5th and 6th, RC 4 on the 3rd and 5th; plus the small seed's own RC user, reminded too.
  expect(all.reminded.completed).toBe(2)
  expect(all.reminded.count).toBeGreaterThanOrEqual(7)
  expect(all.heldOut.count).toBe(0)
  expect(all.difference).toBeNull()
})

test("an SMS's status is read again in DHIS2 until final: a gateway's delivery report reaches the log", async () => {
  const repo = reminderSendsRepository(db)
  const sent = (await repo.ofPeriod('202611')).filter((r) => r.channel === 'sms' && r.delivery === 'SENT')
  expect(sent.length).toBeGreaterThanOrEqual(2)
  const [delivered, refused] = sent
  await api('/testing/sms-outbound/status', { method: 'POST', body: { id: delivered!.smsId, status: 'DELIVERED' } })
  await api('/testing/sms-outbound/status', { method: 'POST', body: { id: refused!.smsId, status: 'FAILED' } })
  const summary = await job().tick()
  expect(summary.deliveryUpdates).toBe(2)
  const after = new Map((await repo.ofPeriod('202611')).map((r) => [r.id, r]))
  expect(after.get(delivered!.id)).toMatchObject({ status: 'sent', delivery: 'DELIVERED' })
  expect(after.get(refused!.id)).toMatchObject({ delivery: 'FAILED' })
  // Final statuses are not asked again; the others are.
  const open = await repo.openDeliveries(7, 1000)
  expect(open.map((o) => o.id)).not.toEqual(expect.arrayContaining([delivered!.id]))
  expect(open.map((o) => o.id)).not.toEqual(expect.arrayContaining([refused!.id]))
  expect(open.length).toBe(sent.length - 2)
})

test('« valeurs refusées »: RC whose report breaks a validation rule in DHIS2 are reminded, complete or not', async () => {
  await setClock('2026-12-07T09:07:00Z')
  await api('/dataStore/relais/reminder-rules', {
    method: 'PUT',
    body: {
      rules: [
        {
          id: 'refus',
          name: 'Valeurs refusées',
          audience: 'refused',
          days: [7],
          channels: ['message'],
          template: DEFAULT_TEMPLATES.refused,
          holdoutPercent: 0,
        },
      ],
    },
  })
  // RC 2 (complete) reported more positive RDTs than RDTs done: VR_TDR_POS is broken for November.
  const de = (code: string) => standin.ctx.state.metadata.dataElements.find((d) => d.code === code)!.id
  const rc2 = uid('organisationUnits', 'RC-AQ-00002')
  await api('/dataValueSets', {
    method: 'POST',
    body: {
      dataValues: [
        { dataElement: de('RC_PALU_TDR'), period: '202611', orgUnit: rc2, value: '2' },
        { dataElement: de('RC_PALU_TDR_POS'), period: '202611', orgUnit: rc2, value: '5' },
      ],
    },
  })
  const summary = await job().tick()
  expect(summary.sent).toBeGreaterThanOrEqual(1)
  const refusedSends = (await reminderSendsRepository(db).ofPeriod('202611')).filter((r) => r.ruleId === 'refus')
  expect(refusedSends.map((r) => [r.orgUnit, r.recipient, r.status])).toEqual([[rc2, testUserId(2), 'sent']])
  const told = await conversationsOf(rcUser(2))
  expect(told).toHaveLength(1)
})

test('a tick is claimed by one process only, whatever the number of processes, tick after tick', async () => {
  const redis = new Redis(REDIS_URL)
  const prefix = `test-${randomBytes(4).toString('hex')}`
  try {
    const processes = [1, 2, 3].map(() => new RedisTickClaims(redis, prefix))
    for (let minute = 0; minute < 5; minute++) {
      const tick = new Date(Date.UTC(2026, 11, 3, 9, 7 + minute))
      const answers = await Promise.all(processes.map((p) => p.claim('reminders', tick)))
      expect(answers.filter(Boolean)).toHaveLength(1)
    }
  } finally {
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  }
})
