/**
 * The OpenAPI 3.0 document, generated from the route declarations and their zod schemas (z.toJSONSchema):
 * the schemas that validate requests and answers at run time are the ones documented. Schemas made with
 * `named` (schemas.ts) become `components.schemas`; a request schema whose input form differs from the
 * answer form of the same name gets an `Input` suffix.
 */
import { z } from 'zod'
import { PERMISSIONS, ROLES } from './roles'
import { textBodies, type Route } from './route'
import { ErrorBody } from './schemas'

type JsonSchema = Record<string, unknown>
type Io = 'input' | 'output'

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  202: 'Accepted: the work goes on asynchronously',
  400: 'Bad request (malformed JSON, invalid fields, unreadable file)',
  401: 'Not authenticated (or a bad webhook signature)',
  403: 'Authenticated, but the role may not do this',
  404: 'Not found',
  409: 'Not possible in the current state',
  413: 'Body over the limit',
  415: 'Unsupported file format or encoding',
  429: 'Rate limited',
  500: 'Unexpected error (logged with the request id)',
  503: 'Not ready',
}

class SchemaCollector {
  readonly schemas: Record<string, JsonSchema> = {}
  private readonly io = new Map<string, Io>()

  /** JSON Schema of `schema`; its named parts go to `schemas` and are referenced. */
  convert(schema: z.ZodType, io: Io): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      target: 'openapi-3.0',
      io,
      unrepresentable: 'any',
      override: ({ jsonSchema }) => {
        // z.iso.datetime() also writes its (long) regular expression: the format says it.
        if (jsonSchema.format === 'date-time') delete jsonSchema.pattern
      },
    }) as JsonSchema
    const { definitions = {}, ...top } = converted as { definitions?: Record<string, JsonSchema> }
    const renames = new Map<string, string>()
    for (const [id, def] of Object.entries(definitions)) {
      let key = id
      const existing = this.schemas[id]
      if (existing && this.io.get(id) !== io && JSON.stringify(existing) !== JSON.stringify(def))
        key = io === 'input' ? `${id}Input` : id
      renames.set(id, key)
    }
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite)
      if (value === null || typeof value !== 'object') return value
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) {
          const id = v.slice('#/definitions/'.length)
          out[k] = `#/components/schemas/${renames.get(id) ?? id}`
        } else out[k] = rewrite(v)
      }
      return out
    }
    for (const [id, def] of Object.entries(definitions)) {
      const key = renames.get(id) ?? id
      if (!this.schemas[key]) {
        this.schemas[key] = rewrite(def) as JsonSchema
        this.io.set(key, io)
      }
    }
    return rewrite(top) as JsonSchema
  }
}

/** The properties of an object schema (query and path parameters). */
function shapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> {
  return schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {}
}

function parameters(route: Route, collector: SchemaCollector): JsonSchema[] {
  const out: JsonSchema[] = []
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    for (const [name, property] of Object.entries(shapeOf(schema))) {
      const converted = collector.convert(property, 'input')
      const { description, ...rest } = converted
      const required = where === 'path' || !property.safeParse(undefined).success
      out.push({ name, in: where, required, ...(description ? { description } : {}), schema: rest })
    }
  }
  return out
}

function requestBody(route: Route, collector: SchemaCollector): JsonSchema | undefined {
  if (route.body)
    return {
      required: true,
      description: 'JSON, read as JSON whatever the Content-Type (the DHIS2 route drops it)',
      content: { 'application/json': { schema: collector.convert(route.body, 'input') } },
    }
  if (route.rawBody)
    return {
      required: true,
      description: route.rawBody.description,
      content: Object.fromEntries(
        route.rawBody.contentTypes.map((type) => [
          type,
          {
            schema:
              type === 'multipart/form-data'
                ? { type: 'object', properties: { file: { type: 'string', format: 'binary' } } }
                : { type: 'string', format: 'binary' },
          },
        ]),
      ),
    }
  return undefined
}

function responses(route: Route, collector: SchemaCollector): JsonSchema {
  const out: JsonSchema = {}
  for (const [status, schema] of Object.entries(route.responses)) {
    const text = textBodies.get(schema)
    out[status] = {
      description: STATUS_TEXT[Number(status)] ?? 'Answer',
      content: text
        ? { [text.contentType]: { schema: { type: 'string' } } }
        : { 'application/json': { schema: collector.convert(schema, 'output') } },
    }
  }
  const errors = new Set(route.errors ?? [])
  if (route.access.kind === 'action') [401, 403].forEach((s) => errors.add(s))
  if (route.body || route.rawBody) errors.add(413)
  errors.add(500)
  const error = collector.convert(ErrorBody, 'output')
  for (const status of [...errors].sort((a, b) => a - b)) {
    if (!out[status])
      out[status] = { description: STATUS_TEXT[status] ?? 'Error', content: { 'application/json': { schema: error } } }
  }
  return out
}

function security(route: Route): JsonSchema[] {
  if (route.access.kind === 'public') return []
  if (route.access.kind === 'signature') return [{ webhookSignature: [], webhookTimestamp: [] }]
  return [{ routeSecret: [], forwardedUser: [] }, { apiKey: [] }]
}

export function buildOpenApi(routes: readonly Route[], info: { version: string }): JsonSchema {
  const collector = new SchemaCollector()
  const paths: Record<string, Record<string, JsonSchema>> = {}
  // Answers first, so that a name shared by an answer and a request keeps its answer form.
  const answers = new Map(routes.map((r) => [r, responses(r, collector)]))
  for (const route of routes) {
    const action = route.access.kind === 'action' ? route.access.action : undefined
    const roles = action ? ROLES.filter((role) => PERMISSIONS[role].has(action)) : []
    const body = requestBody(route, collector)
    paths[route.path] ??= {}
    paths[route.path]![route.method] = {
      operationId: route.operationId,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      parameters: parameters(route, collector),
      ...(body ? { requestBody: body } : {}),
      responses: answers.get(route),
      security: security(route),
      ...(action ? { 'x-relais-action': action, 'x-relais-roles': roles } : {}),
    }
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Relais bridge API',
      version: info.version,
      description:
        'REST API of the Relais bridge (shared/ARCHITECTURE.md "Contracts"). Errors are JSON {error, message}. ' +
        'Lists are paged: page, pageSize → pager {page, pageSize, total, pageCount}.',
    },
    paths,
    components: {
      schemas: collector.schemas,
      securitySchemes: {
        routeSecret: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Relais-Route-Secret',
          description: 'Set by the DHIS2 route relais-bridge',
        },
        forwardedUser: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Forwarded-User',
          description: 'Set by DHIS2: the user, whose role comes from their DHIS2 user groups',
        },
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key of RELAIS_API_KEYS (each with a role)' },
        webhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Relais-Signature',
          description: 'sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">',
        },
        webhookTimestamp: { type: 'apiKey', in: 'header', name: 'X-Relais-Timestamp', description: 'Unix seconds' },
      },
    },
  }
}
