/**
 * A NationalPush wired from relais.config.yaml's `hmis:` section: the national DHIS2 client (credentials read
 * from the environment variables the section names, never from the file), the spec (its path relative to the
 * config file), the ledger. Shared by the CLI, the API and the monthly schedule.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { HmisConfig } from '../config/hmis-config'
import type { Dhis2Auth } from '../config/env'
import { Dhis2Client } from '../dhis2/client'
import type { Db } from '../ledger'
import { hmisPushesRepository } from '../ledger/hmis-pushes'
import { HmisError, NationalPush } from './national-push'
import { parseNationalSpec } from './national-spec'

export function nationalAuth(hmis: HmisConfig, env: NodeJS.ProcessEnv): Dhis2Auth {
  const read = (name: string) => {
    const value = env[name]?.trim()
    if (!value)
      throw new HmisError(
        `hmis: the environment variable ${name} is not set`,
        `hmis : la variable d’environnement ${name} n’est pas définie`,
      )
    return value
  }
  if (hmis.tokenEnv) return { kind: 'token', token: read(hmis.tokenEnv) }
  return { kind: 'basic', username: read(hmis.usernameEnv!), password: read(hmis.passwordEnv!) }
}

export function nationalPushFromConfig(options: {
  hmis: HmisConfig | undefined
  baseDir: string
  env: NodeJS.ProcessEnv
  programme: Dhis2Client
  db: Db
}): NationalPush {
  const { hmis } = options
  if (!hmis || !hmis.enabled)
    throw new HmisError(
      'no national HMIS configured: add an `hmis:` section to relais.config.yaml (url, tokenEnv, mapping)',
      'aucun SNIS national configuré : ajoutez une section `hmis:` à relais.config.yaml (url, tokenEnv, mapping)',
    )
  const file = resolve(options.baseDir, hmis.mapping)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new HmisError(`hmis.mapping: cannot read ${file}`, `hmis.mapping : impossible de lire ${file}`)
  }
  return new NationalPush({
    programme: options.programme,
    national: new Dhis2Client({
      url: hmis.url,
      auth: nationalAuth(hmis, options.env),
      userAgent: 'relais-bridge hmis',
    }),
    pushes: hmisPushesRepository(options.db),
    spec: parseNationalSpec(text),
    specText: text,
    sourceDataSet: hmis.sourceDataSet,
    level: hmis.level,
    nationalUrl: hmis.url,
  })
}
