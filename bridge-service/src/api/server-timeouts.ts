/**
 * Timeouts of the bridge's HTTP server (issue 11 §10). Node's defaults let a client that sends a body shorter
 * than its Content-Length hold a socket, and the request's memory, for 300 s; a few hundred such clients tie
 * the API up. The bridge instead closes a connection:
 * - whose headers have not all arrived 20 s after it opened;
 * - on which nothing has moved for 60 s (a stalled body: the usual attack, and a dead phone network);
 * - whose request has not fully arrived after 15 min (a 50 MB upload at 0.5 Mbit/s still fits);
 * and drops idle keep-alive connections after 5 s.
 */
import type { Server } from 'node:http'

export interface ServerTimeouts {
  headersMs: number
  idleMs: number
  requestMs: number
  keepAliveMs: number
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersMs: 20_000,
  idleMs: 60_000,
  requestMs: 15 * 60_000,
  keepAliveMs: 5_000,
}

export function applyServerTimeouts(server: Server, timeouts: ServerTimeouts = SERVER_TIMEOUTS): void {
  server.headersTimeout = timeouts.headersMs
  server.requestTimeout = timeouts.requestMs
  server.keepAliveTimeout = timeouts.keepAliveMs
  // Without a 'timeout' listener, Node destroys a socket idle for this long.
  server.setTimeout(timeouts.idleMs)
}
