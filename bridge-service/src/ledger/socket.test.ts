jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('./test-support')>('./test-support').nativePglite(),
)

/**
 * The embedded ledger through its socket (issue 12 §8): what an operator's command does beside a running
 * bridge. A real file-backed PGlite served on its socket; the client is what `openLedger` answers to a
 * second process (here a second handle, since the lock is per process: the socket path is the same).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DbError, LedgerUsageError, type Db } from './db'
import { openLedger, repositories } from './index'
import { connectLedgerSocket, ledgerSocketPath, serveLedgerSocket, type LedgerSocketServer } from './socket'

let dir: string
let dataDir: string
let owner: Db
let server: LedgerSocketServer
let client: Db

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'relais-sock-'))
  dataDir = path.join(dir, 'pglite')
  owner = await openLedger({ database: { kind: 'pglite', dataDir } })
  server = await serveLedgerSocket(owner, dataDir)
  client = await connectLedgerSocket(dataDir)
  await owner.exec('CREATE TABLE t (id int PRIMARY KEY, v text)')
}, 60_000)

afterAll(async () => {
  await client?.close()
  await server?.close()
  await owner?.close()
  await fs.rm(dir, { recursive: true, force: true })
})

test('only its owner may use the socket (mode 600), and queries run in the serving process', async () => {
  const stat = await fs.stat(ledgerSocketPath(dataDir))
  expect(stat.mode & 0o777).toBe(0o600)
  await client.query('INSERT INTO t VALUES ($1, $2)', [1, 'un'])
  expect(await owner.query('SELECT v FROM t WHERE id = 1')).toEqual([{ v: 'un' }])
  // The ledger's repositories work over it unchanged.
  const run = await repositories(client).runs.create({
    source: 'kobo',
    mode: 'import',
    trigger: 'cli',
    actor: 'cli:test',
  })
  expect((await repositories(owner).runs.get(run.id))?.source).toBe('kobo')
})

test('a transaction commits, rolls back when its callback throws, and refuses nesting', async () => {
  await client.transaction(async (tx) => {
    await tx.query('INSERT INTO t VALUES (2, $1)', ['deux'])
  })
  await expect(
    client.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (3, $1)', ['trois'])
      throw new Error('changed my mind')
    }),
  ).rejects.toThrow('changed my mind')
  expect((await owner.query<{ id: number }>('SELECT id FROM t ORDER BY id')).map((r) => r.id)).toEqual([1, 2])
  await expect(client.transaction(async (tx) => tx.transaction(async () => 1))).rejects.toBeInstanceOf(LedgerUsageError)
})

test("PostgreSQL's errors keep their SQLSTATE through the socket", async () => {
  const error = await client.query('INSERT INTO t VALUES (1, $1)', ['again']).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(DbError)
  expect((error as DbError).code).toBe('23505')
})

test('a client that dies in the middle of a transaction leaves nothing behind, and the ledger goes on', async () => {
  const script = `
    require('tsx/cjs')
    const { connectLedgerSocket } = require(${JSON.stringify(path.join(__dirname, 'socket.ts'))})
    connectLedgerSocket(${JSON.stringify(dataDir)}).then((db) =>
      db.transaction(async (tx) => { await tx.query("INSERT INTO t VALUES (9, 'orphan')"); process.exit(9) }))`
  // Not spawnSync: this process serves the socket, its event loop must go on.
  const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' })
  const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  expect(status).toBe(9)
  // The serving process rolled it back and is free: its own writes go through at once.
  await owner.query("INSERT INTO t VALUES (10, 'after')")
  expect((await owner.query<{ id: number }>('SELECT id FROM t WHERE id >= 9 ORDER BY id')).map((r) => r.id)).toEqual([
    10,
  ])
})
