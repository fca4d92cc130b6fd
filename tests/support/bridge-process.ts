/**
 * Runs the bridge as a real `relais serve` process (as in production), against whatever DHIS2 and
 * Redis a test gives it, with its ledger in an embedded PGlite folder; stops it with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const BIN = join(__dirname, '..', '..', 'bridge-service', 'bin', 'relais.js')

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })
}

export interface ServeChild {
  readonly pid: number
  readonly url: string
  readonly child: ChildProcess
  output(): string
  /** Resolves when "relais bridge ready" is printed; rejects if the process exits first. */
  readonly ready: Promise<void>
  readonly exited: Promise<number | null>
  kill9(): Promise<void>
  stop(): Promise<void>
}

export interface ServeOptions {
  args?: string[]
  env: Record<string, string>
  /** relais.config.yaml text, written to a temp file; or leave it out and set RELAIS_CONFIG in `env`. */
  config?: string
  port?: number
  readyTimeoutMs?: number
}

/** Spawns `relais serve [args]` with its own config file, PGlite data folder and port. */
export async function spawnBridge(options: ServeOptions): Promise<ServeChild> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-serve-'))
  const configFile = join(dir, 'relais.config.yaml')
  if (options.config !== undefined) writeFileSync(configFile, options.config)
  const port = options.port ?? (await freePort())
  // Profiling a bench's bridge: RELAIS_BRIDGE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' (node flags).
  const nodeArgs = (process.env.RELAIS_BRIDGE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '')
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve', ...(options.args ?? [])], {
    env: {
      PATH: process.env.PATH ?? '',
      RELAIS_DATA_DIR: join(dir, 'data'),
      RELAIS_CONFIG: configFile,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)))
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`bridge not ready in time:\n${output}`)),
      options.readyTimeoutMs ?? 60_000,
    )
    const check = () => {
      if (output.includes('relais bridge ready')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`bridge exited with ${code}:\n${output.slice(-4000)}`))
    })
  })
  ready.catch(() => undefined)
  return {
    pid: child.pid ?? -1,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    ready,
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(timer)
    },
  }
}

export interface BridgeProcess {
  url: string
  output: () => string
  stop(): Promise<void>
}

/** A bridge process that is ready to serve (or a rejection carrying its output). */
export async function startBridge(options: ServeOptions & { timeoutMs?: number }): Promise<BridgeProcess> {
  const serve = await spawnBridge({ ...options, readyTimeoutMs: options.timeoutMs ?? options.readyTimeoutMs })
  await serve.ready
  return { url: serve.url, output: serve.output, stop: serve.stop }
}
