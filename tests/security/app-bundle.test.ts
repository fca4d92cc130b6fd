/**
 * The built app ships no source maps (issue 11 §10): neither `.map` files nor `sourceMappingURL` comments in its
 * scripts. The App Platform turns them on by default; d2.config.js turns them off.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ensureBuiltApp } from '../support/built-app'

jest.setTimeout(600_000)

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

test('no source map in the built app', () => {
  const files = filesUnder(ensureBuiltApp())
  const scripts = files.filter((f) => /\.(m?js|css)$/.test(f))
  expect(scripts.length).toBeGreaterThan(0)
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([])
  expect(scripts.filter((f) => /sourceMappingURL=/.test(readFileSync(f, 'utf8')))).toEqual([])
})
