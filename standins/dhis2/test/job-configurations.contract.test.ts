/**
 * Weekly analytics as a scheduled job (issue 15 §4), as core@2.41 keeps jobs (JobConfigurationController,
 * JobConfigurationObjectBundleHook, JobConfiguration, DefaultJobSchedulerService.executeNow): create with a Spring
 * cron (E7005 / E7000 / E4000 / E5003), list by type with lastExecuted / lastExecutedStatus, run now, and the run
 * moves /api/system/info's lastAnalyticsTableSuccess; the scheduler runs the job when the clock passes its time.
 * Clock: Tuesday 2026-11-10T10:00Z = 11:00 in Porto-Novo.
 */
import { isValidCron, nextExecution } from '../src/quality/cron'
import { uid } from '../src/seed'
import { startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin({ now: '2026-11-10T10:00:00Z', months: 1 })
})
afterAll(() => c.close())

const WEEKLY = '0 0 3 ? * MON'
const create = (body: unknown, as = 'admin') => c.call('POST', '/api/jobConfigurations', { body, as })
const FIELDS =
  'id,name,jobType,cronExpression,enabled,jobStatus,lastExecuted,lastExecutedStatus,lastFinished,nextExecutionTime'

async function until<T>(read: () => Promise<T>, done: (t: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > end) return value
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('Spring cron expressions', () => {
  it('are six fields or a macro; the next run is in the server’s wall-clock time', () => {
    for (const ok of [
      WEEKLY,
      '0 0 2 * * ?',
      '0 */15 * * * *',
      '0 0 1 L * ?',
      '0 0 9 ? * 2#1',
      '@weekly',
      '0 0 3 * JAN-MAR SUN',
    ])
      expect([ok, isValidCron(ok)]).toEqual([ok, true])
    for (const bad of [
      '0 3 * * 1',
      'not a cron',
      '0 0 25 * * *',
      '0 0 3 ? * FUNDAY',
      '60 0 0 * * *',
      '',
      '0 0 3 * * * *',
    ])
      expect([bad, isValidCron(bad)]).toEqual([bad, false])
    expect(nextExecution(WEEKLY, '2026-11-10T11:00:00.000')).toBe('2026-11-16T03:00:00.000')
    expect(nextExecution(WEEKLY, '2026-11-16T03:00:00.000')).toBe('2026-11-23T03:00:00.000')
    expect(nextExecution('0 0 2 * * ?', '2026-12-31T23:59:59.000')).toBe('2027-01-01T02:00:00.000')
  })
})

describe('/api/jobConfigurations', () => {
  let id = ''

  it('creates a weekly ANALYTICS_TABLE job (201 ObjectReport) and lists it by type', async () => {
    const res = await create({
      name: 'Analytics hebdomadaire',
      jobType: 'ANALYTICS_TABLE',
      cronExpression: WEEKLY,
      jobParameters: { lastYears: 2, skipTableTypes: [], skipResourceTables: false },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      httpStatus: 'Created',
      httpStatusCode: 201,
      status: 'OK',
      response: { responseType: 'ObjectReport', klass: 'org.hisp.dhis.scheduling.JobConfiguration', errorReports: [] },
    })
    id = res.body.response.uid
    expect(id).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/)

    const list = await c.call('GET', `/api/jobConfigurations?filter=jobType:eq:ANALYTICS_TABLE&fields=${FIELDS}`)
    expect(list.status).toBe(200)
    expect(list.body.jobConfigurations).toEqual([
      {
        id,
        name: 'Analytics hebdomadaire',
        jobType: 'ANALYTICS_TABLE',
        cronExpression: WEEKLY,
        enabled: true,
        jobStatus: 'SCHEDULED',
        lastExecutedStatus: 'NOT_STARTED',
        nextExecutionTime: '2026-11-16T03:00:00.000',
      },
    ])
    const other = await c.call('GET', '/api/jobConfigurations?filter=jobType:eq:MONITORING')
    expect(other.body.jobConfigurations).toEqual([])
    const plain = await c.call('GET', '/api/jobConfigurations')
    expect(plain.body.jobConfigurations).toEqual([{ id, displayName: 'Analytics hebdomadaire' }])
    const one = await c.call('GET', `/api/jobConfigurations/${id}`)
    expect(one.body.jobParameters).toEqual({
      lastYears: 2,
      skipTableTypes: [],
      skipPrograms: [],
      skipResourceTables: false,
      skipOutliers: false,
    })
  })

  it('refuses an invalid cron (E7005, its `{0}` left as is), the same cron twice (E7000), no name, a taken name', async () => {
    const invalid = await create({ name: 'Mauvais', jobType: 'ANALYTICS_TABLE', cronExpression: '0 3 * * 1' })
    expect(invalid.status).toBe(409)
    expect(invalid.body).toMatchObject({ httpStatus: 'Conflict', status: 'ERROR' })
    expect(invalid.body.response.errorReports).toEqual([
      {
        message: 'Cron expression is invalid: `{0}`',
        mainKlass: 'org.hisp.dhis.scheduling.JobConfiguration',
        errorCode: 'E7005',
        errorProperties: [],
      },
    ])
    const twice = await create({ name: 'Encore', jobType: 'ANALYTICS_TABLE', cronExpression: WEEKLY })
    expect(twice.status).toBe(409)
    expect(twice.body.response.errorReports).toEqual([
      expect.objectContaining({
        errorCode: 'E7000',
        message: `Job of same type already scheduled with cron expression: \`${WEEKLY}\``,
      }),
    ])
    const codes = async (body: unknown) =>
      (await create(body)).body.response?.errorReports?.map((e: { errorCode: string }) => e.errorCode)
    expect(await codes({ jobType: 'ANALYTICS_TABLE', cronExpression: '0 0 4 * * ?' })).toEqual(['E4000'])
    expect(
      await codes({ name: 'Analytics hebdomadaire', jobType: 'ANALYTICS_TABLE', cronExpression: '0 0 4 * * ?' }),
    ).toEqual(['E5003'])
    expect(await codes({ name: 'Sans cron', jobType: 'ANALYTICS_TABLE', schedulingType: 'CRON' })).toEqual(['E7004'])
    // Not a job type: Jackson's 400; a system job: not configurable.
    expect((await create({ name: 'X', jobType: 'ANALYTICS', cronExpression: '0 0 4 * * ?' })).status).toBe(400)
    const system = await create({ name: 'Ménage', jobType: 'HOUSEKEEPING', cronExpression: '0 0 4 * * ?' })
    expect([system.status, system.body.message]).toEqual([409, 'Job Ménage must be configurable but was not.'])
    expect(
      (await create({ name: 'Y', jobType: 'ANALYTICS_TABLE', jobParameters: { skipTableTypes: ['NOPE'] } })).status,
    ).toBe(400)
    // Creating needs F_SCHEDULING_ADMIN.
    expect(
      (await create({ name: 'Z', jobType: 'ANALYTICS_TABLE', cronExpression: '0 0 5 * * ?' }, 'superviseur')).status,
    ).toBe(403)
    expect(
      (await c.call('GET', '/api/jobConfigurations?filter=jobType:eq:ANALYTICS_TABLE')).body.jobConfigurations,
    ).toHaveLength(1)
  })

  it('runs the job now: lastExecuted / lastExecutedStatus, and /api/system/info’s lastAnalyticsTableSuccess', async () => {
    const before = await c.call('GET', '/api/system/info')
    expect(before.body.lastAnalyticsTableSuccess).toBeUndefined()
    const run = await c.call('POST', `/api/jobConfigurations/${id}/execute`)
    expect([run.status, run.body]).toEqual([
      200,
      { klass: 'org.hisp.dhis.scheduling.JobConfiguration', index: 0, errorReports: [] },
    ])
    const job = await until(
      async () => (await c.call('GET', `/api/jobConfigurations/${id}?fields=${FIELDS}`)).body,
      (j) => j.lastExecutedStatus === 'COMPLETED',
    )
    expect(job).toMatchObject({ jobStatus: 'SCHEDULED', lastExecutedStatus: 'COMPLETED' })
    expect(job.lastExecuted).toMatch(/^2026-11-10T11:00:\d\d\.\d{3}$/)
    const info = await c.call('GET', '/api/system/info')
    expect(info.body.lastAnalyticsTableSuccess >= job.lastExecuted).toBe(true)
    expect(info.body.lastAnalyticsTableSuccess <= job.lastFinished).toBe(true)
    // The tables exist now: analytics answers instead of E7144.
    const analytics = await c.call(
      'GET',
      `/api/analytics?dimension=dx:${uid('dataElement', 'RC_VAD')}&dimension=pe:LAST_MONTH`,
    )
    expect(analytics.status).toBe(200)

    const missing = await c.call('POST', '/api/jobConfigurations/noSuchJob01/execute')
    expect([missing.status, missing.body.errorCode]).toEqual([404, 'E1005'])
  })

  it('the scheduler runs an enabled job when the clock passes its time, not a disabled one', async () => {
    const ctx = c.standin.ctx
    const last = (await c.call('GET', `/api/jobConfigurations/${id}?fields=lastExecuted`)).body.lastExecuted
    expect((await c.call('POST', `/api/jobConfigurations/${id}/disable`)).status).toBe(204)
    ctx.clock.set('2026-11-16T02:00:01Z') // Monday 03:00:01 in Porto-Novo
    await new Promise((r) => setTimeout(r, 1300))
    // Disabling changes `enabled` only (JobConfigurationController.disable): the status stays as it was.
    expect((await c.call('GET', `/api/jobConfigurations/${id}?fields=lastExecuted,enabled,jobStatus`)).body).toEqual({
      lastExecuted: last,
      enabled: false,
      jobStatus: 'SCHEDULED',
    })
    expect((await c.call('POST', `/api/jobConfigurations/${id}/enable`)).status).toBe(204)
    ctx.clock.set('2026-11-23T02:00:01Z') // the next Monday
    const job = await until(
      async () => (await c.call('GET', `/api/jobConfigurations/${id}?fields=${FIELDS}`)).body,
      (j) => j.lastExecuted !== last,
    )
    expect(job.lastExecuted).toMatch(/^2026-11-23T03:00:0\d\.\d{3}$/)
    expect(job.nextExecutionTime).toBe('2026-11-30T03:00:00.000')
    expect((await c.call('GET', '/api/system/info')).body.lastAnalyticsTableSuccess).toMatch(/^2026-11-23T03:00/)
  })

  it('updates and deletes', async () => {
    const put = await c.call('PUT', `/api/jobConfigurations/${id}`, {
      body: { name: 'Analytics du dimanche', jobType: 'ANALYTICS_TABLE', cronExpression: '0 0 2 ? * SUN' },
    })
    expect(put.status).toBe(200)
    expect((await c.call('GET', `/api/jobConfigurations/${id}?fields=name,cronExpression`)).body).toEqual({
      name: 'Analytics du dimanche',
      cronExpression: '0 0 2 ? * SUN',
    })
    expect((await c.call('DELETE', `/api/jobConfigurations/${id}`)).status).toBe(200)
    expect((await c.call('GET', `/api/jobConfigurations/${id}`)).status).toBe(404)
  })
})
