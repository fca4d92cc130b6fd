import { dhis2Reads } from './warmOfflineCache'

describe('dhis2Reads', () => {
  const origin = 'https://dhis2.example.bj'
  const entry = (name: string, initiatorType = 'fetch') => ({ name, initiatorType })

  it("keeps this DHIS2's API reads once each, and nothing the offline cache must not hold", () => {
    expect(
      dhis2Reads(
        [
          entry(`${origin}/api/system/info`),
          entry(`${origin}/api/41/dataValueSets?dataSet=ds&orgUnit=ou`, 'xmlhttprequest'),
          entry(`${origin}/api/system/info`),
          entry(`${origin}/api/41/dataValues?de=a&pe=202609&ou=b&co=c&value=7`),
          entry(`${origin}/api/41/tracker?async=false&importStrategy=UPDATE`),
          entry(`${origin}/api/41/tracker/events?program=p&orgUnit=ou&status=ACTIVE`),
          entry(`${origin}/api/routes/relais-bridge/run/api/runs`),
          entry(`${origin}/api/41/system/ping`),
          entry(`${origin}/api/apps/relais/assets/main.js`, 'script'),
          entry('https://elsewhere.example/api/me'),
          entry('not a url'),
        ],
        origin,
      ),
    ).toEqual([
      `${origin}/api/system/info`,
      `${origin}/api/41/dataValueSets?dataSet=ds&orgUnit=ou`,
      `${origin}/api/41/tracker/events?program=p&orgUnit=ou&status=ACTIVE`,
    ])
  })
})
