/**
 * Keeps a long import's heap near its live size. V8 sizes the old space from the machine (a 4 GB limit here)
 * and, while collection is cheap, lets it grow about 4× past what is live before a full collection:
 * measured on the 1,000,000-row CSV bench, the heap climbed to 246 MB for 60 MB live, and the process's RSS
 * with it (the 300 MB target). Node's flags (--max-old-space-size) cannot be changed once the process runs,
 * so this watches the used heap and asks for a full collection when it passes the budget — about 20–30 ms
 * for a 60 MB live set, a few times a second at most under the heaviest intake. Off unless a budget is
 * given (`relais serve` gives one; test runners have large heaps of their own).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const CHECK_EVERY_MS = 200

export interface HeapBudget {
  stop(): void
}

/** V8's `gc()`, reached without starting node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

export function startHeapBudget(budgetMb: number): HeapBudget {
  const gc = collector()
  const budget = budgetMb * 1024 * 1024
  let threshold = budget
  const timer = setInterval(() => {
    if (getHeapStatistics().used_heap_size <= threshold) return
    gc()
    // When what is live is itself near or over the budget (a large metadata snapshot, a big batch), collect
    // again only after real growth — never a full collection every tick.
    threshold = Math.max(budget, getHeapStatistics().used_heap_size * 1.5)
  }, CHECK_EVERY_MS)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
