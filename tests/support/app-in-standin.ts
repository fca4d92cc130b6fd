/**
 * The built Relais app in a DHIS2 stand-in of its own, and a headless Chromium, for one test file: started
 * before its tests, stopped after them. `ready` runs once the stand-in listens (an analytics run, a clock).
 */
import type { Browser } from 'playwright-core'
import { createStandin, type Standin } from '@relais/dhis2-standin'
import { launchBrowser } from './browser'
import { ensureBuiltApp } from './built-app'

export interface AppInStandin {
  readonly standin: Standin
  readonly browser: Browser
  readonly url: string
}

export function appInStandin(options: { now: string; ready?: (standin: Standin) => void }): AppInStandin {
  let standin: Standin | undefined
  let browser: Browser | undefined
  let url = ''
  beforeAll(async () => {
    const app = ensureBuiltApp()
    standin = createStandin({ seed: 'small', apps: { relais: app }, now: options.now })
    url = await standin.listen()
    browser = await launchBrowser()
    options.ready?.(standin)
  })
  afterAll(async () => {
    await browser?.close()
    await standin?.close()
  })
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the stand-in is not started: use it inside a test')
    return value
  }
  return {
    get standin() {
      return started(standin)
    },
    get browser() {
      return started(browser)
    },
    get url() {
      return started(url || undefined)
    },
  }
}
