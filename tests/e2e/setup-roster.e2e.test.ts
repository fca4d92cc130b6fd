/**
 * From a blank DHIS2 to a working Relais (issue 12): on a `--seed blank` stand-in, the commands as an
 * administrator types them — `relais setup`, `relais roster hierarchy`, `relais roster import --users` — then
 * an RC signs in with the first password the roster wrote and reports; a second setup and a second roster
 * import change nothing; a package DHIS2 refuses is named object by object, in French.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureBuiltApp } from '../support/built-app'
import { createStandin, type Standin } from '@relais/dhis2-standin'

jest.setTimeout(120_000)

const ROOT = join(__dirname, '..', '..')
const ROSTER = join(ROOT, 'metadata', 'roster')
const SECRET = 'route-secret-setup-0123456789abcdef0123456789'

let standin: Standin
let url: string
let dir: string

beforeAll(async () => {
  ensureBuiltApp() // setup installs the app's zip
  standin = createStandin({ seed: 'blank', now: '2026-10-03T09:00:00Z' })
  url = await standin.listen(0)
  dir = mkdtempSync(join(tmpdir(), 'relais-setup-'))
})
afterAll(async () => {
  await standin?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

interface Result {
  status: number
  stdout: string
  stderr: string
}

/** `npx relais …` from the repository root, as the README writes it (asynchronous: the stand-in is here). */
function relais(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['relais', ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? dir,
          DHIS2_URL: url,
          DHIS2_USERNAME: 'admin',
          DHIS2_PASSWORD: 'district',
          RELAIS_ROUTE_SECRET: SECRET,
          RELAIS_DATA_DIR: join(dir, 'data'),
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    )
  })
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

test('setup, hierarchy, roster, an RC reports; the second runs change nothing', async () => {
  // A dry run first: it says what it would do and writes nothing.
  const dry = await relais(['setup', '--dry-run', '--no-app', '--json'])
  expect(dry.stderr).toBe('')
  expect(dry.status).toBe(0)
  expect((JSON.parse(dry.stdout) as { changed: number }).changed).toBeGreaterThan(70)
  expect(standin.ctx.state.metadata.dataSets).toEqual([])

  const first = await relais(['setup', '--bridge-url', 'http://127.0.0.1:3999'])
  expect(first.stderr).toBe('')
  expect(first.status).toBe(0)
  expect(first.stdout).toMatch(/éléments de données\s+31\s+0\s+0/)
  expect(first.stdout).toMatch(/programmes\s+1\s+0\s+0/)
  // The administrators answer the RC's help desk requests (DHIS2's feedback recipients, unset on a new DHIS2).
  expect(first.stdout).toContain('Destinataires des demandes d’aide (feedback): RELAIS_ADMINS, créé')
  const admins = standin.ctx.state.userGroups.find((g) => g.code === 'RELAIS_ADMINS')!
  expect(standin.ctx.state.systemSettings.feedbackRecipients).toBe(admins.id)
  // DHIS2 runs its own analytics job, nightly (issue 15 §4): the dashboard's figures are at most a day old.
  expect(first.stdout).toContain(
    "Tâche d'analyse de DHIS2 « Relais - tables d’analyse (chaque nuit) » (0 0 2 * * ?): créé",
  )
  expect(
    (standin.ctx.state.jobConfigurations ?? [])
      .filter((j) => j.jobType === 'ANALYTICS_TABLE')
      .map((j) => [j.cronExpression, j.enabled]),
  ).toEqual([['0 0 2 * * ?', true]])
  // DHIS2's own account controls (issue 16 §1), each said in French; on 2.41.8 the password expiry is withheld,
  // as an expired user could not choose a new password there (DHIS2-21120).
  expect(first.stdout).toContain('minPasswordLength — longueur minimale du mot de passe : 8 → 10')
  expect(first.stdout).toContain('keyLockMultipleFailedLogins — verrouillage après 4 échecs (15 min) : non → oui')
  expect(first.stdout).toContain('credentialsExpiresReminderInDays — premier rappel (jours avant) : 28 → 14')
  expect(first.stdout).toContain(
    'credentialsExpires — expiration des mots de passe (mois) : non appliqué — DHIS2 2.41.8 ne permet pas',
  )
  expect(first.stdout).toContain('Double authentification (2FA) : non exigée par setup')
  expect(standin.ctx.state.systemSettings).toMatchObject({
    minPasswordLength: 10,
    keyLockMultipleFailedLogins: true,
    credentialsExpiryAlert: true,
    credentialsExpiresReminderInDays: 14,
  })
  expect(standin.ctx.state.systemSettings.credentialsExpires).toBeUndefined()
  expect(first.stdout).toContain('Saisie des données partagée avec ce compte : RC_MENSUEL, RC_CIBLES, M, F,')
  expect(first.stdout).toMatch(/Route relais-bridge → http:\/\/127\.0\.0\.1:3999\/\*\*: créé/)
  expect(first.stdout).toMatch(/Application relais: installée 0\.1\.0/)
  const token = /DHIS2_TOKEN :\n(d2p_\S+)/.exec(first.stdout)?.[1]
  expect(token).toBeDefined()
  // The bridge's token works, with only its role's authorities.
  const me = await fetch(`${url}/api/me?fields=username,authorities`, {
    headers: { Authorization: `ApiToken ${token}` },
  })
  const meBody = (await me.json()) as { username: string; authorities: string[] }
  expect(meBody.username).toBe('relais-passerelle')
  expect(meBody.authorities).not.toContain('ALL')
  expect(meBody.authorities).toContain('F_DATAVALUE_ADD')
  // DHIS2 never shows the secret back, and setup never stores the superuser's password.
  expect(JSON.stringify(standin.ctx.state.routes)).not.toContain('district')

  const hierarchy = await relais(['roster', 'hierarchy', join(ROSTER, 'hierarchie-exemple.csv')])
  expect(hierarchy.stderr).toBe('')
  expect(hierarchy.stdout).toMatch(/7 ligne\(s\) : 7 créée\(s\)/)

  const passwords = join(dir, 'premiers-mots-de-passe.csv')
  const roster = await relais([
    'roster',
    'import',
    join(ROSTER, 'rc-exemple.csv'),
    '--users',
    '--passwords',
    passwords,
    '--today',
    '2026-10-03',
  ])
  expect(roster.stderr).toBe('')
  expect(roster.status).toBe(0)
  expect(roster.stdout).toMatch(/RC : 6 créé\(s\), 0 mis à jour, 0 inchangé\(s\), 1 fermé\(s\)/)
  expect(roster.stdout).toMatch(/Groupe des RC actifs : \+5 −0/)
  expect(roster.stdout).toMatch(/Comptes : 5 créé\(s\)/)
  expect(statSync(passwords).mode & 0o777).toBe(0o600)
  const [, line] = readFileSync(passwords, 'utf8').trim().split('\n')
  const [username, password] = line!.split(';')

  // The RC signs in with that first password and reports a value for their own org unit.
  const ou = standin.ctx.state.metadata.organisationUnits.find((o) => o.code === username!.toUpperCase())!
  const de = standin.ctx.state.metadata.dataElements.find((d) => d.code === 'RC_VAD')!
  // The report names its data set and holds a value by sex: DHIS2 checks the data write sharing of both (E7601,
  // E7614), which the package gives the Relais groups and setup the bridge's account.
  const sens = standin.ctx.state.metadata.dataElements.find((d) => d.code === 'RC_VIH_SENS')!
  const male = standin.ctx.state.metadata.categoryOptionCombos.find((c) => c.code === 'M')!
  const monthly = standin.ctx.state.metadata.dataSets.find((d) => d.code === 'RC_MENSUEL')!
  const values = (orgUnit: string) => ({
    dataSet: monthly.id,
    dataValues: [
      { dataElement: de.id, period: '202609', orgUnit, value: '12' },
      { dataElement: sens.id, categoryOptionCombo: male.id, period: '202609', orgUnit, value: '4' },
    ],
  })
  for (const authorization of [basic(username!, password!), `ApiToken ${token}`]) {
    const report = await fetch(`${url}/api/dataValueSets`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify(values(ou.id)),
    })
    expect(report.status).toBe(200)
    expect(((await report.json()) as { response: { status: string } }).response.status).toBe('SUCCESS')
  }
  // The roster gave the RC the tracing program and setup gave the bridge's account its data write sharing: the
  // bridge makes the RC's tracing task (DHIS2 refuses an unassigned org unit, E1029, or no data write, E1091) and
  // the RC closes it with the outcome.
  expect(roster.stdout).toMatch(/Programme de recherche des perdus de vue : 6 affectation\(s\)/)
  const programs = (await (
    await fetch(`${url}/api/programs?filter=code:eq:RC_PDV_RECHERCHE&fields=id,programStages[id]`, {
      headers: { Authorization: `ApiToken ${token}` },
    })
  ).json()) as { programs: { id: string; programStages: { id: string }[] }[] }
  const [tracing] = programs.programs
  const code = standin.ctx.state.metadata.dataElements.find((d) => d.code === 'RC_PDV_PSEUDONYME')!
  const site = standin.ctx.state.metadata.dataElements.find((d) => d.code === 'RC_PDV_SITE')!
  const task = {
    event: 'TrcRoster01',
    program: tracing!.id,
    programStage: tracing!.programStages[0]!.id,
    orgUnit: ou.id,
    occurredAt: '2026-10-01',
    status: 'ACTIVE',
    dataValues: [
      { dataElement: code.id, value: 'PDV-7K3MQ-9XRT2' },
      { dataElement: site.id, value: 'CNHU-PKS' },
    ],
  }
  for (const [authorization, strategy, status] of [
    [`ApiToken ${token}`, 'CREATE', 'ACTIVE'],
    [basic(username!, password!), 'UPDATE', 'COMPLETED'],
  ] as const) {
    const imported = await fetch(`${url}/api/tracker?async=false&importStrategy=${strategy}`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: [{ ...task, status }] }),
    })
    const body = (await imported.json()) as { status: string; validationReport: { errorReports: unknown[] } }
    expect([imported.status, body.validationReport.errorReports]).toEqual([200, []])
  }
  // The departed RC is closed, not deleted, and out of the active group.
  const departed = standin.ctx.state.metadata.organisationUnits.find((o) => o.code === 'RC-AQ-00004')!
  expect(departed.closedDate).toBe('2026-06-30T00:00:00.000')
  const active = standin.ctx.state.metadata.organisationUnitGroups.find((g) => g.code === 'OUG_RC_ACTIFS')!
  expect(active.organisationUnits.map((r) => r.id)).not.toContain(departed.id)
  expect(active.organisationUnits).toHaveLength(5)

  // Again: nothing changes.
  const again = await relais(['setup', '--bridge-url', 'http://127.0.0.1:3999', '--json'])
  expect(again.status).toBe(0)
  expect((JSON.parse(again.stdout) as { changed: number }).changed).toBe(0)
  const rosterAgain = await relais(['roster', 'import', join(ROSTER, 'rc-exemple.csv'), '--today', '2026-10-03'])
  expect(rosterAgain.stdout).toMatch(/Rien à changer/)
})

test('a roster with mistakes is refused line by line, in French, and nothing is imported', async () => {
  const file = join(dir, 'mauvais.csv')
  writeFileSync(
    file,
    'code;nom;prénom;sexe;téléphone;aire sanitaire;date de début;date de fin\n' +
      'RC-AQ-00009;Zinsou;Paul;M;01 97 00 00 01;Nulle-Part;2024-01-01;\n' +
      'RC-AQ-00010;Ahouansou;Léa;F;12;Tori;2024-01-01;2023-01-01\n',
  )
  const before = standin.ctx.state.metadata.organisationUnits.length
  const result = await relais(['roster', 'import', file])
  expect(result.status).toBe(2)
  expect(result.stderr).toContain('ligne 2 : aire sanitaire « Nulle-Part » inconnue dans DHIS2')
  expect(result.stderr).toContain('ligne 3 : téléphone « 12 » invalide')
  expect(result.stderr).toContain('ligne 3 : date de fin 2023-01-01 avant la date de début 2024-01-01')
  expect(standin.ctx.state.metadata.organisationUnits).toHaveLength(before)
})

test('a package DHIS2 refuses is named object by object, property by property, and nothing is imported', async () => {
  // Someone created a data element with one of the package's codes, under another id.
  const other = createStandin({ seed: 'blank', now: '2026-10-03T09:00:00Z' })
  const otherUrl = await other.listen(0)
  try {
    const clash = await fetch(`${otherUrl}/api/metadata`, {
      method: 'POST',
      headers: { Authorization: basic('admin', 'district'), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        dataElements: [
          {
            id: 'AbCdEfGhIj1',
            code: 'RC_VAD',
            name: 'Autre chose',
            shortName: 'Autre chose',
            valueType: 'NUMBER',
            domainType: 'AGGREGATE',
            aggregationType: 'SUM',
          },
        ],
      }),
    })
    expect(clash.status).toBe(200)
    const result = await relais(['setup', '--no-app'], { DHIS2_URL: otherUrl })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('DHIS2 refuse le paquet, rien n’a été importé')
    expect(result.stderr).toMatch(/éléments de données RC_VAD \[\w{11}\] — propriété « code » : .*\(E5003\)/)
    expect(other.ctx.state.metadata.dataSets).toEqual([])
  } finally {
    await other.close()
  }
})
