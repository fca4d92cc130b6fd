import { memoryKeyedStorage } from '../offline/storage'
import { OutcomeQueue, outcomeKey, type NewOutcome, type OutcomeSendResult, type PendingOutcome } from './outcomeQueue'

const outcome = (key: string, code = key): NewOutcome => ({
  key,
  code,
  outcome: 'NON_RETROUVE',
  outcomeDate: '2026-10-02',
  values: [{ dataElement: 'dePdvRes001', value: 'NON_RETROUVE' }],
})

function queueWith(answers: OutcomeSendResult[], stored: PendingOutcome[] = []) {
  const storage = memoryKeyedStorage(outcomeKey, stored)
  const sent: string[] = []
  const queue = new OutcomeQueue(
    storage,
    async (item) => {
      sent.push(item.key)
      return answers.shift() ?? { kind: 'sent' }
    },
    () => new Date('2026-10-03T09:00:00Z'),
  )
  return { queue, storage, sent }
}

describe('OutcomeQueue', () => {
  it('keeps an outcome on the device until DHIS2 takes it, holding it while offline', async () => {
    const { queue, storage, sent } = queueWith([{ kind: 'offline' }])
    await queue.init()
    await queue.record(outcome('evA'))
    expect(queue.getSnapshot()).toMatchObject({ held: 'offline', pending: [{ key: 'evA', seq: 1 }], sent: 0 })
    expect(storage.items.has('evA')).toBe(true)

    await queue.flush()
    expect(queue.getSnapshot()).toMatchObject({ held: null, pending: [], sent: 1 })
    expect(storage.items.size).toBe(0)
    expect(sent).toEqual(['evA', 'evA'])
  })

  it('keeps a refusal, never sends it again, and forgets it when discarded', async () => {
    const { queue, storage, sent } = queueWith([{ kind: 'rejected', message: 'E1083 no access' }])
    await queue.init()
    await queue.record(outcome('evA'))
    await queue.flush()
    expect(sent).toEqual(['evA'])
    expect(queue.getSnapshot().refused).toMatchObject([{ key: 'evA', refused: 'E1083 no access' }])
    expect(storage.items.get('evA')?.refused).toBe('E1083 no access')

    await queue.discard('evA')
    expect(queue.getSnapshot().refused).toEqual([])
    expect(storage.items.size).toBe(0)
  })

  it('sends what a previous visit left, oldest first, and keeps its refusals refused', async () => {
    const left = (key: string, seq: number, refused?: string): PendingOutcome => ({
      ...outcome(key),
      seq,
      queuedAt: '2026-10-02T18:00:00.000Z',
      ...(refused ? { refused } : {}),
    })
    const { queue, sent } = queueWith([], [left('evB', 2), left('evA', 1), left('evC', 3, 'E1032')])
    await queue.init()
    await queue.flush()
    expect(sent).toEqual(['evA', 'evB'])
    expect(queue.getSnapshot().refused.map((i) => i.key)).toEqual(['evC'])
    // A new outcome goes after them.
    await queue.record(outcome('evD'))
    expect(sent).toEqual(['evA', 'evB', 'evD'])
  })
})
