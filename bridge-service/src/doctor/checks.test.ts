import { clock, disk, exitCode, route, tokenExpiry } from './checks'

const MB = 1024 * 1024

test('thresholds: disk, clock, token expiry', () => {
  expect(disk(5000 * MB, '/data').status).toBe('ok')
  expect(disk(800 * MB, '/data').status).toBe('warning')
  expect(disk(100 * MB, '/data')).toMatchObject({ status: 'error', found: { fr: '100 Mo libres sous /data' } })
  expect(clock(30_000).status).toBe('ok')
  expect(clock(-90_000).status).toBe('warning')
  expect(clock(400_000).status).toBe('error')
  const now = new Date('2026-12-05T12:00:00Z')
  expect(tokenExpiry([now.getTime() + 90 * 86_400_000], now).status).toBe('ok')
  expect(tokenExpiry([now.getTime() + 20 * 86_400_000], now).status).toBe('warning')
  expect(tokenExpiry([now.getTime() + 2 * 86_400_000, now.getTime() + 300 * 86_400_000], now).status).toBe('error')
})

test('the route: the secret refused is an error, the bridge away a warning, anything past the secret ok', () => {
  const found = { url: 'http://bridge:3000/**' }
  expect(route(found, { status: 401, reason: 'route-secret' }, 'http://bridge:3000').status).toBe('error')
  expect(route(found, { status: 401, reason: 'route-proof-missing' }, 'http://bridge:3000').status).toBe('ok')
  expect(route(found, { status: 502 }, 'http://bridge:3000').status).toBe('warning')
  expect(route(found, { status: 200 }, 'http://other:3000').status).toBe('warning')
  expect(route(undefined, {}, 'http://bridge:3000').status).toBe('error')
})

test('exit code: 0 all ok, 1 warnings only, 2 any error', () => {
  expect(exitCode([disk(5000 * MB, '/d')])).toBe(0)
  expect(exitCode([disk(5000 * MB, '/d'), clock(90_000)])).toBe(1)
  expect(exitCode([clock(90_000), clock(900_000)])).toBe(2)
})
