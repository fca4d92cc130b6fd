/**
 * DHIS2's WebMessage envelope (web-api §1.1): `httpStatus` (reason phrase), `httpStatusCode`, `status`
 * (OK | WARNING | ERROR), `message`, optional `devMessage`, `errorCode`, `response`; nulls omitted.
 */
import type { Response } from 'express'

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  302: 'Found',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export type WebMessageStatus = 'OK' | 'WARNING' | 'ERROR'

export interface WebMessage {
  httpStatus: string
  httpStatusCode: number
  status: WebMessageStatus
  code?: number
  message?: string
  devMessage?: string
  response?: unknown
  errorCode?: string
}

export function webMessage(
  httpStatusCode: number,
  message?: string,
  extra: { status?: WebMessageStatus; errorCode?: string; devMessage?: string; response?: unknown } = {},
): WebMessage {
  const status = extra.status ?? (httpStatusCode < 400 ? 'OK' : 'ERROR')
  const body: WebMessage = { httpStatus: REASONS[httpStatusCode] ?? 'Unknown', httpStatusCode, status }
  if (message !== undefined) body.message = message
  if (extra.devMessage !== undefined) body.devMessage = extra.devMessage
  if (extra.response !== undefined) body.response = extra.response
  if (extra.errorCode !== undefined) body.errorCode = extra.errorCode
  return body
}

export function sendWebMessage(
  res: Response,
  httpStatusCode: number,
  message?: string,
  extra?: Parameters<typeof webMessage>[2],
): void {
  res.status(httpStatusCode).json(webMessage(httpStatusCode, message, extra))
}

/** An error a handler throws to answer with a WebMessage; the error middleware turns it into one. */
export class HttpError extends Error {
  constructor(
    readonly httpStatusCode: number,
    message: string,
    readonly errorCode?: string,
    readonly devMessage?: string,
  ) {
    super(message)
  }
}

export const notFound = (message: string, errorCode?: string) => new HttpError(404, message, errorCode)
export const conflict = (message: string, errorCode?: string) => new HttpError(409, message, errorCode)
export const badRequest = (message: string, errorCode?: string) => new HttpError(400, message, errorCode)
export const forbidden = (message = "You don't have the proper permissions to read objects of this type.") =>
  new HttpError(403, message)
