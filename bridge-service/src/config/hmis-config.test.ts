/** `hmis:` in relais.config.yaml: credentials named by environment variable, checked at start; bad values at their line. */
import { parseRelaisConfig, RelaisConfigError } from './relais-config'

const yaml = (hmis: string) => `sources: []\nhmis:\n${hmis}`
const GOOD =
  '  url: https://snis.sante.gouv.bj\n  tokenEnv: HMIS_TOKEN\n  mapping: ../mappings/specs/hmis/national-hmis.yaml\n'

test('a national HMIS with its token named by variable, and the defaults', () => {
  const config = parseRelaisConfig(yaml(GOOD), 'relais.config.yaml', { HMIS_TOKEN: 'd2p_x' })
  expect(config.hmis).toMatchObject({ level: 3, pushDay: 16, sourceDataSet: 'RC_MENSUEL', enabled: true })
})

test('the variable not set, a secret written in the file, plain http to another host: each refused with its line', () => {
  expect(() => parseRelaisConfig(yaml(GOOD), 'relais.config.yaml', {})).toThrow(
    /relais.config.yaml:3:\d+ hmis needs the environment variable HMIS_TOKEN, which is not set/,
  )
  expect(() => parseRelaisConfig(yaml(GOOD.replace('HMIS_TOKEN', 'd2p_secret123')), 'relais.config.yaml', {})).toThrow(
    /hmis.tokenEnv must be the NAME of an environment variable/,
  )
  expect(() =>
    parseRelaisConfig(yaml(GOOD.replace('https://snis', 'http://snis')), 'relais.config.yaml', { HMIS_TOKEN: 'x' }),
  ).toThrow(RelaisConfigError)
  expect(() => parseRelaisConfig(yaml(GOOD.replace('  tokenEnv: HMIS_TOKEN\n', '')), 'relais.config.yaml', {})).toThrow(
    /needs tokenEnv, or usernameEnv and passwordEnv/,
  )
})

test('no hmis section: none, and nothing asked of the environment', () => {
  expect(parseRelaisConfig('sources: []\n', 'relais.config.yaml', {}).hmis).toBeUndefined()
})
