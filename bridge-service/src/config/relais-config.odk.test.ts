/** The `odk` source kind of relais.config.yaml: its fields, its two ways in, its secrets checked at start. */
import { isPulled, parseRelaisConfig, RelaisConfigError } from './relais-config'

const source = (auth: string) =>
  [
    'sources:',
    '  - name: odk-rapport-rc',
    '    kind: odk',
    '    url: https://central.example.org',
    '    projectId: 4',
    '    formId: rc_rapport_mensuel',
    '    mapping: ../mappings/specs/odk-rapport-rc.yaml',
    ...auth.split('\n').map((line) => `    ${line}`),
    '',
  ].join('\n')

const ENV = { ODK_EMAIL: 'pont@relais.bj', ODK_PASSWORD: 'secret', ODK_KEY: 'k' }

function problems(text: string, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parseRelaisConfig(text, 'relais.config.yaml', env)
  } catch (error) {
    if (error instanceof RelaisConfigError) return error.problems
    throw error
  }
  return []
}

test('an ODK Central form with a Web User: defaults for the schedules, and the bridge pulls it', () => {
  const config = parseRelaisConfig(source('emailEnv: ODK_EMAIL\npasswordEnv: ODK_PASSWORD'), 'relais.config.yaml', ENV)
  const [odk] = config.sources
  expect(odk).toMatchObject({
    kind: 'odk',
    projectId: 4,
    formId: 'rc_rapport_mensuel',
    schedule: '*/30 * * * *',
    sweepSchedule: '0 2 * * *',
  })
  expect(odk && isPulled(odk)).toBe(true)
})

test('an App User key is accepted as the other way in', () => {
  expect(problems(source('tokenEnv: ODK_KEY'))).toEqual([])
})

test('needs exactly one way in', () => {
  expect(problems(source('emailEnv: ODK_EMAIL'))).toEqual([
    expect.stringContaining('needs either emailEnv and passwordEnv'),
  ])
  expect(problems(source('emailEnv: ODK_EMAIL\npasswordEnv: ODK_PASSWORD\ntokenEnv: ODK_KEY'))).toEqual([
    expect.stringContaining('not both'),
  ])
})

test('names an unset secret variable at its line', () => {
  expect(problems(source('emailEnv: ODK_EMAIL\npasswordEnv: ODK_PASSWORD'), { ODK_EMAIL: 'x' })).toEqual([
    'relais.config.yaml:9:18 source "odk-rapport-rc" needs the environment variable ODK_PASSWORD, which is not set',
  ])
})
