import { dhis2Version } from '../doctor/checks'
import { judgeVersion, SUPPORTED_TEXT } from './dhis2-versions'

describe('the DHIS2 versions Relais supports', () => {
  test.each(['2.40.10', '2.40.12', '2.41.7', '2.41.8', '2.41.9.1', '2.42.0', '2.42.5', '2.42.2-SNAPSHOT'])(
    '%s is supported',
    (version) => expect(judgeVersion(version)).toEqual({ supported: true }),
  )

  test.each([
    ['2.39.6', /Relais fonctionne avec DHIS2 2.40.10\+, 2.41.7\+, 2.42/],
    ['2.43.0', /n’est pas pris en charge/],
    ['2.41.6', /avant 2.41.7, la route de DHIS2 masque les réponses d’erreur/],
    ['2.41.3', /ne peut pas garder secret l’en-tête de la passerelle/],
    ['2.40.9', /Installez le correctif 2.40.10/],
    ['nonsense', /n’est pas pris en charge/],
  ])('%s is refused, saying why in French and English', (version, french) => {
    const verdict = judgeVersion(version)
    expect(verdict.supported).toBe(false)
    if (verdict.supported) return
    expect(verdict.reason.fr).toMatch(french)
    expect(verdict.reason.en).toContain(`DHIS2 ${version} is not supported`)
  })

  test('doctor reports an unsupported version as an error with the supported list as the fix', () => {
    const check = dhis2Version('2.41.3')
    expect(check.status).toBe('error')
    expect(check.fix?.en).toContain(SUPPORTED_TEXT)
    expect(dhis2Version('2.42.1').status).toBe('ok')
  })
})
