/**
 * One route = one declaration: method, path, who may call it, the zod schemas of its path, query, body and
 * answers, and its handler. The same declaration mounts the express handler (auth → body → validation →
 * handler → answer checked against its schema) and feeds the OpenAPI document and the auth table test.
 */
import type { Express, Request, RequestHandler, Response } from 'express'
import { z } from 'zod'
import type { Actor } from '../pipeline/services'
import { principalOf, requireAction, type AuthOptions } from './auth'
import { parseJsonBody, readBody } from './body'
import { ApiError, type Issue } from './errors'
import { mayDo, type Action } from './roles'
import { PROOF_PARAM } from './route-proof'

export type Method = 'get' | 'post'

export type Access =
  /** Through requireAction and the PERMISSIONS table. */
  | { kind: 'action'; action: Action }
  /** No authentication (health, the OpenAPI document). */
  | { kind: 'public' }
  /** Authenticated by the route itself from the raw body (webhook HMAC). */
  | { kind: 'signature' }

/** Answers that are text, not JSON (Prometheus): a string schema registered with its content type. */
export const textBodies = z.registry<{ contentType: string }>()
export function textBody(contentType: string): z.ZodString {
  const schema = z.string()
  textBodies.add(schema, { contentType })
  return schema
}

export type Responses = { [status: number]: z.ZodType }

export interface Reply<S extends number, B> {
  status: S
  body: B
  headers?: Record<string, string>
}

/** What a handler may answer: one of its declared statuses with a body of that status's schema. */
export type ReplyOf<R extends Responses> = { [S in keyof R & number]: Reply<S, z.input<R[S]>> }[keyof R & number]

export interface RouteContext<P, Q, B> {
  params: P
  query: Q
  body: B
  /** The body's bytes exactly as received (routes with a JSON body). */
  raw: Buffer | undefined
  /** Who asked (for the pipeline's audit); `anonymous` on public and signed routes. */
  actor: Actor
  req: Request
  res: Response
}

/** A body the handler reads itself (uploads): documented with these content types, never buffered here. */
export interface RawBodyDoc {
  contentTypes: string[]
  description: string
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends Responses> {
  operationId: string
  method: Method
  /** OpenAPI style, e.g. `/api/v1/runs/{id}`. */
  path: string
  summary: string
  description?: string
  tag: string
  access: Access
  params?: P
  query?: Q
  /** A JSON body, parsed whatever its Content-Type. */
  body?: B
  /** Limit of the JSON body in bytes (default: the app's). */
  bodyLimit?: number
  /** How deep the JSON body may nest (default DEFAULT_JSON_MAX_DEPTH; Infinity: the handler bounds it). */
  bodyMaxDepth?: number
  /** Runs on the raw bytes before they are parsed (the webhook signature). */
  verifyRaw?: (raw: Buffer, req: Request) => Promise<void>
  rawBody?: RawBodyDoc
  /** Middlewares run after auth and before anything is read (source check, rate limit…). */
  before?: RequestHandler[]
  responses: R
  /** Error statuses besides 401/403 (action routes), 413 (bodies) and 500, documented with the Error schema. */
  errors?: number[]
  handle(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<ReplyOf<R>>
}

export type Route = RouteSpec<z.ZodType, z.ZodType, z.ZodType, Responses>

export function defineRoute<
  R extends Responses,
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<P, Q, B, R>): Route {
  // Erasure: the typed handler only ever receives what its own schemas produced (see mountRoute).
  return spec as unknown as Route
}

/** A handler's answer, with its status kept literal so that it is checked against the declared responses. */
export function reply<const S extends number, B>(status: S, body: B, headers?: Record<string, string>): Reply<S, B> {
  return headers ? { status, body, headers } : { status, body }
}

/** `/api/v1/runs/{id}` → `/api/v1/runs/:id`. */
export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1')

export const ANONYMOUS: Actor = { name: 'anonymous', role: 'none' }

/** The caller as the pipeline records it: API keys are told apart from DHIS2 users by a prefix. */
export function actorOf(req: Request, action: Action): Actor {
  const principal = principalOf(req)
  const role = principal.roles.find((r) => mayDo([r], action)) ?? principal.roles[0] ?? 'none'
  return { name: principal.kind === 'api-key' ? `api-key:${principal.name}` : principal.name, role }
}

export function validate<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues: Issue[] = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }))
  const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`)
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''
  throw new ApiError(400, 'invalid-request', `Invalid request: ${shown.join('; ')}${more}`, { issues })
}

export interface MountOptions {
  auth: AuthOptions
  jsonLimitBytes: number
  /** Told when an answer is large: it must stay far below the DHIS2 route's 256 KB cap. */
  onLargeAnswer?: (route: Route, bytes: number) => void
}

export const LARGE_ANSWER_BYTES = 128 * 1024

export function mountRoute(app: Express, route: Route, options: MountOptions): void {
  const chain: RequestHandler[] = []
  if (route.access.kind === 'action') chain.push(requireAction(route.access.action, options.auth))
  chain.push(...(route.before ?? []))
  chain.push(async (req, res) => {
    const params = route.params ? validate(route.params, req.params, 'path') : undefined
    const query = route.query ? validate(route.query, withoutProof(req.query), 'query') : undefined
    let raw: Buffer | undefined
    let body: unknown
    if (route.body) {
      raw = await readBody(req, route.bodyLimit ?? options.jsonLimitBytes)
      await route.verifyRaw?.(raw, req)
      body = validate(route.body, parseJsonBody(raw, route.bodyMaxDepth), 'body')
    }
    const actor = route.access.kind === 'action' ? actorOf(req, route.access.action) : ANONYMOUS
    const reply = await route.handle({ params, query, body, raw, actor, req, res })
    send(res, route, reply, options)
  })
  app[route.method](expressPath(route.path), ...chain)
}

function send(res: Response, route: Route, reply: Reply<number, unknown>, options: MountOptions): void {
  const schema = route.responses[reply.status]
  if (!schema) throw new Error(`${route.operationId} answered ${reply.status}, which it does not declare`)
  const checked = schema.safeParse(reply.body)
  if (!checked.success)
    throw new Error(
      `${route.operationId}: the ${reply.status} answer does not match its schema: ${checked.error.message}`,
    )
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value)
  const text = textBodies.get(schema)
  if (text) {
    res.status(reply.status).type(text.contentType).send(checked.data)
    return
  }
  const json = JSON.stringify(checked.data)
  const bytes = Buffer.byteLength(json)
  if (bytes > LARGE_ANSWER_BYTES) options.onLargeAnswer?.(route, bytes)
  res.status(reply.status).type('application/json')
  // Express's send() computes an ETag over every answer, but only a GET can be answered 304 with it.
  if (route.method === 'get') res.send(json)
  else res.end(json)
}

/** The route proof is the authentication's (route-proof.ts), not a parameter of any route. */
function withoutProof(query: Request['query']): Record<string, unknown> {
  const { [PROOF_PARAM]: _proof, ...rest } = query as Record<string, unknown>
  return rest
}
