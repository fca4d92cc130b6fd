/**
 * A TCP proxy in front of a server that a test can cut like a network: Chromium's offline emulation
 * (context.setOffline) does not reach a service worker's own fetches, nor a POST the worker lets through,
 * so with the PWA in charge a "sent offline" value could still reach DHIS2. Cut, the proxy drops every open
 * connection and refuses new ones; restored, it forwards again.
 */
import { createServer, connect, type Socket } from 'node:net'

export interface CuttableProxy {
  /** http://127.0.0.1:<port>: the address the browser uses. */
  url: string
  cut(): void
  restore(): void
  close(): Promise<void>
}

export async function cuttableProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target)
  const open = new Set<Socket>()
  let down = false
  const server = createServer((client) => {
    if (down) return client.destroy()
    const upstream = connect(Number(port), hostname)
    for (const socket of [client, upstream]) {
      open.add(socket)
      socket.on('close', () => open.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy did not listen')
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut() {
      down = true
      for (const socket of open) socket.destroy()
    },
    restore() {
      down = false
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
