/** The monthly national push is one of the scheduler's jobs when `hmis:` says a day, and none otherwise. */
import { createLogger } from '../log/logger'
import { Scheduler } from '../pipeline/scheduler'
import { hmisSchedule } from './hmis-service'
import { hmisConfig, TIME_ZONE } from './test-support'

const HMIS = hmisConfig()

function jobsWith(schedule: string | undefined) {
  const scheduler = new Scheduler(
    {
      sources: [],
      metadataSchedule: null,
      logger: createLogger('silent'),
      timeZone: TIME_ZONE,
      ...(schedule ? { hmisSchedule: schedule } : {}),
    },
    {
      pull: async () => undefined,
      sweep: async () => undefined,
      refreshMetadata: async () => undefined,
      pushHmis: async () => undefined,
    },
  )
  scheduler.start()
  try {
    return scheduler.next()
  } finally {
    scheduler.stop()
  }
}

test('the push runs on the configured day at 06:15, DHIS2’s time', () => {
  const [job] = jobsWith(hmisSchedule(HMIS))
  expect(job?.name).toBe('national HMIS push')
  const next = job!.nextRun!
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(next)
  expect(local).toBe('16, 06:15')
})

test('pushDay 0 or no hmis: no job', () => {
  expect(jobsWith(hmisSchedule({ ...HMIS, pushDay: 0 }))).toEqual([])
  expect(jobsWith(hmisSchedule(undefined))).toEqual([])
})
