/**
 * The embedded ledger shared over a local socket (issue 12 §8). PGlite allows one process per data
 * directory, so an operator's `relais status`, `records`, `quarantine` or `run` beside a running
 * `relais serve` could not open it. The process that holds the ledger listens on `<dataDir>.sock` (a Unix socket, mode 600: only the OS user that runs the bridge, who can read the database files anyway)
 * and runs the `Db` calls of other processes; those get a `Db` that forwards to it (`connectLedgerSocket`).
 *
 * Protocol: one JSON message per line. Requests `{id, op, sql?, params?}` with op `query`, `exec`, `begin`,
 * `commit`, `rollback`; answers `{id, rows?}` or `{id, error: {message, code?, constraint?, detail?}}`. A
 * connection is one session: between `begin` and `commit`/`rollback` its queries run in that transaction;
 * a connection closed, or idle for TRANSACTION_IDLE_MS, in the middle of one rolls it back.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { DbError, LedgerUsageError, transactionHandle, type Db, type SqlParam } from './db'

/** One request line at most (a big batch insert is far below). */
const MAX_LINE_BYTES = 64 * 1024 * 1024
const TRANSACTION_IDLE_MS = 30_000
const MAX_CONNECTIONS = 16

/** Next to the data directory, like its lock file (`<dataDir>.lock`): PGlite's own files stay alone. */
export const ledgerSocketPath = (dataDir: string) => `${path.resolve(dataDir)}.sock`

interface Request {
  id: number
  op: 'query' | 'exec' | 'begin' | 'commit' | 'rollback'
  sql?: string
  params?: SqlParam[]
}

interface WireError {
  message: string
  code?: string
  constraint?: string
  detail?: string
  usage?: boolean
}

function wireError(error: unknown): WireError {
  if (error instanceof DbError)
    return {
      message: error.message,
      ...(error.code ? { code: error.code } : {}),
      ...(error.constraint ? { constraint: error.constraint } : {}),
      ...(error.detail ? { detail: error.detail } : {}),
    }
  if (error instanceof LedgerUsageError) return { message: error.message, usage: true }
  return { message: error instanceof Error ? error.message : String(error) }
}

/** Splits a stream into lines, refusing any longer than `max` bytes (then the connection is closed). */
function lines(socket: net.Socket, onLine: (line: string) => void, max = MAX_LINE_BYTES): void {
  let buffered: Buffer[] = []
  let size = 0
  socket.on('data', (chunk: Buffer) => {
    let start = 0
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      buffered.push(chunk.subarray(start, i))
      const line = Buffer.concat(buffered).toString('utf8')
      buffered = []
      size = 0
      start = i + 1
      onLine(line)
    }
    if (start < chunk.length) {
      buffered.push(chunk.subarray(start))
      size += chunk.length - start
      if (size > max) socket.destroy(new Error('ledger socket: request too large'))
    }
  })
}

export interface LedgerSocketServer {
  readonly path: string
  close(): Promise<void>
}

/** Serves `db` on `<dataDir>.sock` until closed. */
export async function serveLedgerSocket(db: Db, dataDir: string): Promise<LedgerSocketServer> {
  const socketPath = ledgerSocketPath(dataDir)
  // A socket left by a process that died: this process holds the ledger's lock, so it is not in use.
  fs.rmSync(socketPath, { force: true })
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    if (sockets.size >= MAX_CONNECTIONS) {
      socket.destroy()
      return
    }
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    session(db, socket)
  })
  server.maxConnections = MAX_CONNECTIONS
  const previousMask = process.umask(0o177)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(socketPath, () => resolve())
    })
  } finally {
    process.umask(previousMask)
  }
  fs.chmodSync(socketPath, 0o600)
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => {
          fs.rmSync(socketPath, { force: true })
          resolve()
        })
      }),
  }
}

function session(db: Db, socket: net.Socket): void {
  let tx: Db | undefined
  let finish: ((commit: boolean) => void) | undefined
  let done: Promise<unknown> | undefined
  let idle: NodeJS.Timeout | undefined
  // Requests of one connection run one after the other, in order.
  let chain: Promise<void> = Promise.resolve()
  const send = (message: object) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`)
  }
  const endTransaction = async (commit: boolean) => {
    if (!finish) return
    clearTimeout(idle)
    finish(commit)
    const ending = done
    tx = undefined
    finish = undefined
    done = undefined
    await ending
  }
  const touch = () => {
    clearTimeout(idle)
    if (finish) idle = setTimeout(() => void endTransaction(false).catch(() => undefined), TRANSACTION_IDLE_MS)
  }
  const handle = async (request: Request): Promise<void> => {
    try {
      switch (request.op) {
        case 'query':
          send({ id: request.id, rows: await (tx ?? db).query(request.sql ?? '', request.params ?? []) })
          break
        case 'exec':
          await (tx ?? db).exec(request.sql ?? '')
          send({ id: request.id, rows: [] })
          break
        case 'begin': {
          if (tx)
            throw new LedgerUsageError(
              'transaction() called inside a transaction: nested transactions are not supported',
            )
          const started = new Promise<void>((resolveStarted) => {
            done = db
              .transaction(
                (handle) =>
                  new Promise((resolve, reject) => {
                    tx = handle
                    finish = (commit) => (commit ? resolve(undefined) : reject(new RollbackRequested()))
                    resolveStarted()
                  }),
              )
              .catch((error: unknown) => {
                if (!(error instanceof RollbackRequested)) throw error
              })
          })
          await started
          send({ id: request.id, rows: [] })
          break
        }
        case 'commit':
        case 'rollback':
          await endTransaction(request.op === 'commit')
          send({ id: request.id, rows: [] })
          break
        default:
          throw new Error(`unknown ledger socket operation ${String((request as { op?: unknown }).op)}`)
      }
    } catch (error) {
      send({ id: request.id, error: wireError(error) })
    } finally {
      touch()
    }
  }
  lines(socket, (line) => {
    let request: Request
    try {
      request = JSON.parse(line) as Request
    } catch {
      socket.destroy()
      return
    }
    chain = chain.then(() => handle(request))
  })
  socket.on('close', () => {
    clearTimeout(idle)
    chain = chain.then(() => endTransaction(false)).catch(() => undefined)
  })
}

class RollbackRequested extends Error {}

/** A `Db` that runs every call in the process serving `<dataDir>.sock`. */
export async function connectLedgerSocket(dataDir: string): Promise<Db> {
  const socketPath = ledgerSocketPath(dataDir)
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(socketPath, () => resolve(s))
    s.once('error', reject)
  })
  let nextId = 1
  const waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>()
  let closedError: Error | undefined
  lines(socket, (line) => {
    const answer = JSON.parse(line) as { id: number; rows?: unknown[]; error?: WireError }
    const pending = waiting.get(answer.id)
    if (!pending) return
    waiting.delete(answer.id)
    if (answer.error) {
      const e = answer.error
      pending.reject(
        e.usage
          ? new LedgerUsageError(e.message)
          : e.code
            ? new DbError(e.message, {
                code: e.code,
                ...(e.constraint ? { constraint: e.constraint } : {}),
                ...(e.detail ? { detail: e.detail } : {}),
              })
            : new Error(e.message),
      )
    } else pending.resolve(answer.rows ?? [])
  })
  const fail = (error: Error) => {
    closedError = error
    for (const p of waiting.values()) p.reject(error)
    waiting.clear()
  }
  socket.on('error', (error) => fail(error))
  socket.on('close', () => fail(new Error('the ledger socket closed: is relais serve still running?')))
  const call = (op: Request['op'], sql?: string, params?: readonly SqlParam[]) =>
    new Promise<unknown[]>((resolve, reject) => {
      if (closedError) return reject(closedError)
      const id = nextId++
      waiting.set(id, { resolve, reject })
      socket.write(`${JSON.stringify({ id, op, sql, params })}\n`)
    })
  let inside = false
  const outside = (what: string) => {
    if (inside)
      throw new LedgerUsageError(
        `${what} on the outer ledger handle inside transaction(): use the \`tx\` handle given to the callback`,
      )
  }
  const db: Db = {
    kind: 'pglite',
    inTransaction: false,
    query: async <T>(sql: string, params?: readonly SqlParam[]) => {
      outside('query()')
      return (await call('query', sql, params)) as T[]
    },
    exec: async (sql) => {
      outside('exec()')
      await call('exec', sql)
    },
    transaction: async (fn) => {
      outside('transaction()')
      inside = true
      await call('begin')
      const { tx, end } = transactionHandle('pglite', {
        query: async <T>(sql: string, params?: readonly SqlParam[]) => (await call('query', sql, params)) as T[],
        exec: async (sql) => {
          await call('exec', sql)
        },
      })
      try {
        const result = await fn(tx)
        await call('commit')
        return result
      } catch (error) {
        await call('rollback').catch(() => undefined)
        throw error
      } finally {
        end()
        inside = false
      }
    },
    close: async () => {
      socket.end()
      await new Promise((resolve) => socket.once('close', resolve))
    },
  }
  return db
}
