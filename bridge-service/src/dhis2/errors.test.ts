import { classifyStatus, Dhis2Error, readWebMessage, redact } from './errors'

describe('classifyStatus', () => {
  const rows: [number, 'transient' | 'permanent'][] = [
    [302, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [405, 'permanent'],
    [408, 'transient'],
    [409, 'permanent'],
    [413, 'permanent'],
    [415, 'permanent'],
    [422, 'permanent'],
    [429, 'transient'],
    [500, 'transient'],
    [501, 'permanent'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [505, 'permanent'],
    [507, 'transient'],
    [599, 'transient'],
  ]
  test.each(rows)('%i → %s', (status, kind) => expect(classifyStatus(status)).toBe(kind))
})

describe('redact', () => {
  test.each([
    ['token d2pat_abc123 here', ['d2pat_abc123'], 'token *** here'],
    ['twice s3cret s3cret', ['s3cret'], 'twice *** ***'],
    ['longest first: user:s3cret', ['s3cret', 'user:s3cret'], 'longest first: ***'],
    ['short secrets are not redacted: ab', ['ab'], 'short secrets are not redacted: ab'],
    ['nothing to hide', [], 'nothing to hide'],
  ])('%s', (text, secrets, expected) => expect(redact(text, secrets)).toBe(expected))
})

describe('readWebMessage', () => {
  test.each([
    [
      { message: ' Unauthorized ', errorCode: 'E1005' },
      { message: 'Unauthorized', errorCode: 'E1005' },
    ],
    [{ message: '', errorCode: '' }, {}],
    [{ message: 42 }, {}],
    ['<html>', {}],
    [null, {}],
    [[{ message: 'x' }], {}],
  ])('%j', (body, expected) => expect(readWebMessage(body)).toEqual(expected))
})

test('a Dhis2Error serialises to plain data only', () => {
  const error = new Dhis2Error('DHIS2 GET /api/me → 503', {
    kind: 'transient',
    reason: 'http',
    request: 'GET /api/me',
    status: 503,
    retryAfterMs: 2000,
    dhis2Message: 'Service Unavailable',
    errorCode: 'E0000',
    networkCode: 'ECONNRESET',
  })
  expect(error).toBeInstanceOf(Error)
  expect(error.transient).toBe(true)
  expect(JSON.parse(JSON.stringify(error))).toEqual({
    name: 'Dhis2Error',
    message: 'DHIS2 GET /api/me → 503',
    kind: 'transient',
    reason: 'http',
    request: 'GET /api/me',
    status: 503,
    retryAfterMs: 2000,
    dhis2Message: 'Service Unavailable',
    errorCode: 'E0000',
    networkCode: 'ECONNRESET',
  })
  const bare = new Dhis2Error('x', { kind: 'permanent', reason: 'invalid-response' })
  expect(bare.transient).toBe(false)
  expect(bare.toJSON()).toEqual({ name: 'Dhis2Error', message: 'x', kind: 'permanent', reason: 'invalid-response' })
})
