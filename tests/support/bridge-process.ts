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

export interface BridgeProcess {
  url: string
  output: () => string
  stop(): Promise<void>
}

export async function startBridge(options: {
  env: Record<string, string>
  config: string
  timeoutMs?: number
}): Promise<BridgeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-bridge-'))
  const configFile = join(dir, 'relais.config.yaml')
  writeFileSync(configFile, options.config)
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
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
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`bridge not ready in time:\n${output}`)),
      options.timeoutMs ?? 60_000,
    )
    const check = () => {
      if (output.includes('relais bridge ready')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`bridge exited with ${code}:\n${output}`))
    })
  })
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
