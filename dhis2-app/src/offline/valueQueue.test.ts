import 'fake-indexeddb/auto'
import { classifySendError } from './classifySendError'
import { idbQueueStorage, memoryQueueStorage } from './storage'
import { isCompletion, type PendingItem, type SendOutcome } from './types'
import { ValueQueue } from './valueQueue'

const target = (de: string) => ({ de, pe: '202609', ou: 'ouRc000001', co: 'cocDefault1' })

/** A DHIS2 that answers what the test says, and records what it received. */
function fakeServer() {
  const received: Array<{ de: string; value: string } | { completed: boolean; period: string }> = []
  let answer: SendOutcome = { kind: 'sent' }
  const send = jest.fn(async (item: PendingItem): Promise<SendOutcome> => {
    if (answer.kind === 'sent')
      received.push(
        isCompletion(item) ? { completed: item.completed, period: item.period } : { de: item.de, value: item.value },
      )
    return answer
  })
  return {
    send,
    received,
    answer: (next: SendOutcome) => {
      answer = next
    },
  }
}

describe('ValueQueue', () => {
  it('sends a value and marks it saved, leaving nothing in the store', async () => {
    const storage = memoryQueueStorage()
    const server = fakeServer()
    const queue = new ValueQueue(storage, server.send)
    await queue.save(target('deA'), '12', 'A — septembre 2026')

    expect(server.received).toEqual([{ de: 'deA', value: '12' }])
    expect(queue.getSnapshot().pending).toEqual([])
    expect(queue.getSnapshot().states.get('deA|202609|ouRc000001|cocDefault1')).toEqual({ status: 'saved' })
    expect(storage.items.size).toBe(0)
  })

  it('keeps values typed without a network, in order, and sends them when it returns', async () => {
    const storage = memoryQueueStorage()
    const server = fakeServer()
    const queue = new ValueQueue(storage, server.send)
    server.answer({ kind: 'offline' })
    await queue.save(target('deA'), '1', 'A')
    await queue.save(target('deB'), '2', 'B')

    const held = queue.getSnapshot()
    expect(held.held).toBe('offline')
    expect(held.pending.map((p) => (isCompletion(p) ? [] : [p.de, p.value]))).toEqual([
      ['deA', '1'],
      ['deB', '2'],
    ])
    expect(held.states.get('deB|202609|ouRc000001|cocDefault1')).toEqual({ status: 'waiting', reason: 'offline' })
    expect([...storage.items.keys()]).toHaveLength(2)

    server.answer({ kind: 'sent' })
    await queue.flush()
    expect(server.received).toEqual([
      { de: 'deA', value: '1' },
      { de: 'deB', value: '2' },
    ])
    expect(queue.getSnapshot()).toMatchObject({ pending: [], held: null })
    expect(storage.items.size).toBe(0)
  })

  it('keeps only the latest value of a cell typed twice while offline', async () => {
    const server = fakeServer()
    const queue = new ValueQueue(memoryQueueStorage(), server.send)
    server.answer({ kind: 'offline' })
    await queue.save(target('deA'), '1', 'A')
    await queue.save(target('deA'), '15', 'A')
    server.answer({ kind: 'sent' })
    await queue.flush()
    expect(server.received).toEqual([{ de: 'deA', value: '15' }])
  })

  it('keeps the values when the session has expired (401) and says so', async () => {
    const storage = memoryQueueStorage()
    const server = fakeServer()
    const queue = new ValueQueue(storage, server.send)
    server.answer({ kind: 'session-expired' })
    await queue.save(target('deA'), '7', 'A')

    expect(queue.getSnapshot().held).toBe('session-expired')
    expect(queue.getSnapshot().pending).toHaveLength(1)
    expect(storage.items.size).toBe(1)

    server.answer({ kind: 'sent' })
    await queue.flush()
    expect(server.received).toEqual([{ de: 'deA', value: '7' }])
    expect(queue.getSnapshot().held).toBeNull()
  })

  it('stops sending a value DHIS2 refuses for good, and keeps it (and why) across a reload', async () => {
    const storage = memoryQueueStorage()
    const server = fakeServer()
    const queue = new ValueQueue(storage, server.send)
    server.answer({ kind: 'rejected', message: 'Data set is locked' })
    await queue.save(target('deA'), '7', 'A')
    const refused = { status: 'failed', message: 'Data set is locked' }
    expect(queue.getSnapshot().pending).toEqual([])
    expect(queue.getSnapshot().states.get('deA|202609|ouRc000001|cocDefault1')).toEqual(refused)

    server.answer({ kind: 'sent' })
    const reloaded = new ValueQueue(storage, server.send)
    await reloaded.init()
    await reloaded.flush()
    expect(server.send).toHaveBeenCalledTimes(1)
    expect(reloaded.getSnapshot().refused.map((r) => r.key)).toEqual(['deA|202609|ouRc000001|cocDefault1'])
    expect(reloaded.getSnapshot().states.get('deA|202609|ouRc000001|cocDefault1')).toEqual(refused)

    await reloaded.discard('deA|202609|ouRc000001|cocDefault1')
    expect(reloaded.getSnapshot().refused).toEqual([])
    expect(storage.items.size).toBe(0)
  })

  it('replaces a refused value when the person types the cell again', async () => {
    const server = fakeServer()
    const queue = new ValueQueue(memoryQueueStorage(), server.send)
    server.answer({ kind: 'rejected', message: 'Value must be positive' })
    await queue.save(target('deA'), '-1', 'A')
    server.answer({ kind: 'sent' })
    await queue.save(target('deA'), '1', 'A')
    expect(queue.getSnapshot()).toMatchObject({ pending: [], refused: [] })
    expect(server.received).toEqual([{ de: 'deA', value: '1' }])
  })

  it('sends a completion queued offline after the values typed before it, across a reload', async () => {
    const storage = memoryQueueStorage()
    const server = fakeServer()
    const queue = new ValueQueue(storage, server.send)
    server.answer({ kind: 'offline' })
    const report = { dataSet: 'dsRcMensuel', period: '202609', organisationUnit: 'ouRc000001' }
    await queue.save(target('deA'), '4', 'A', '2026-10-03T09:00:00.000')
    await queue.saveCompletion(report, true, 'RC — septembre 2026', '2026-10-03T09:01:00.000')
    await queue.save(target('deB'), '5', 'B')
    expect(queue.getSnapshot().states.get('completion|dsRcMensuel|202609|ouRc000001')).toEqual({
      status: 'waiting',
      reason: 'offline',
    })

    const reloaded = new ValueQueue(storage, server.send)
    await reloaded.init()
    expect(reloaded.getSnapshot().pending.map((p) => p.actedAt)).toEqual([
      '2026-10-03T09:00:00.000',
      '2026-10-03T09:01:00.000',
      undefined,
    ])
    server.answer({ kind: 'sent' })
    await reloaded.flush()
    expect(server.received).toEqual([
      { de: 'deA', value: '4' },
      { completed: true, period: '202609' },
      { de: 'deB', value: '5' },
    ])
  })

  it('gives up a queued value with the reason shown on the cell', async () => {
    const server = fakeServer()
    const queue = new ValueQueue(memoryQueueStorage(), server.send)
    server.answer({ kind: 'offline' })
    await queue.save(target('deA'), '3', 'A')
    await queue.discard('deA|202609|ouRc000001|cocDefault1', 'newer in DHIS2')
    server.answer({ kind: 'sent' })
    await queue.flush()
    expect(server.received).toEqual([])
    expect(queue.getSnapshot().states.get('deA|202609|ouRc000001|cocDefault1')).toEqual({
      status: 'failed',
      message: 'newer in DHIS2',
    })
  })

  it('sends the newer value when a cell changes while its older value is on the way', async () => {
    const received: string[] = []
    let release: () => void = () => undefined
    const queue = new ValueQueue(memoryQueueStorage(), async (item) => {
      if (received.length === 0) await new Promise<void>((resolve) => (release = resolve))
      if (!isCompletion(item)) received.push(item.value)
      return { kind: 'sent' }
    })
    const first = queue.save(target('deA'), '1', 'A')
    await new Promise((resolve) => setTimeout(resolve, 0))
    const second = queue.save(target('deA'), '2', 'A')
    release()
    await Promise.all([first, second])
    expect(received).toEqual(['1', '2'])
    expect(queue.getSnapshot().pending).toEqual([])
  })

  it('keeps the queue in IndexedDB across visits (a reload loses nothing)', async () => {
    const offline = new ValueQueue(idbQueueStorage('relais-test'), async () => ({ kind: 'offline' }))
    await offline.init()
    await offline.save(target('deA'), '9', 'A — septembre 2026')

    const received: string[] = []
    const nextVisit = new ValueQueue(idbQueueStorage('relais-test'), async (item) => {
      if (!isCompletion(item)) received.push(`${item.de}=${item.value}`)
      return { kind: 'sent' }
    })
    await nextVisit.init()
    expect(nextVisit.getSnapshot().pending.map((p) => p.label)).toEqual(['A — septembre 2026'])
    await nextVisit.flush()
    expect(received).toEqual(['deA=9'])
    expect(await idbQueueStorage('relais-test').load()).toEqual([])
  })

  it("keeps each user's values apart", async () => {
    const queue = new ValueQueue(idbQueueStorage('relais-a'), async () => ({ kind: 'offline' }))
    await queue.save(target('deA'), '3', 'A')
    expect(await idbQueueStorage('relais-b').load()).toEqual([])
    expect(await idbQueueStorage('relais-a').load()).toHaveLength(1)
  })
})

describe('classifySendError', () => {
  it.each([
    [{ type: 'network', message: 'An unknown network error occurred' }, { kind: 'offline' }],
    [{ type: 'access', message: 'Unauthorized', details: { httpStatusCode: 401 } }, { kind: 'session-expired' }],
    [{ type: 'access', message: 'Unauthorized', details: {} }, { kind: 'session-expired' }],
    [{ type: 'unknown', message: 'Bad gateway', details: { httpStatusCode: 502 } }, { kind: 'offline' }],
    [
      { type: 'access', message: 'Conflict', details: { httpStatusCode: 409, message: 'Data set is locked' } },
      { kind: 'rejected', message: 'Data set is locked' },
    ],
  ])('reads %j as %j', (error, outcome) => {
    expect(classifySendError(error)).toEqual(outcome)
  })
})
