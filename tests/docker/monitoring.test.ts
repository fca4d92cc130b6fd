/**
 * Checks the monitoring of the production stack (docker/monitoring/ and the `monitoring` profile of
 * docker/compose.yml) without Prometheus, Grafana or a Docker engine:
 * - alerts.yml: groups of rules, each with alert, expr, for, labels.severity and its text in French and English;
 * - every PromQL query, of the rules and of the dashboard's panels, read by the small checker below: brackets,
 *   strings, durations, known functions and aggregations with arguments of the right type (a range where rate()
 *   wants one, a counter under rate(), a gauge under delta()), modifiers, and the labels each query matches on,
 *   groups by or prints (`$labels.stage`, `{{stage}}`) against the labels the series have;
 * - every metric name these queries read is exported by the bridge: the registry of
 *   bridge-service/src/api/metrics.ts, built here with fakes,; `up` and `ALERTS` are
 *   Prometheus's own;
 * - prometheus.yml, Grafana's provisioning files, the dashboard and compose.yml agree on paths, names, the
 *   scrape key (a compose secret, git-ignored) and Grafana's admin password (an env file, git-ignored).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Registry } from 'prom-client'
import { parse } from 'yaml'
import { createMetrics } from '../../bridge-service/src/api/metrics'

const REPO = path.resolve(__dirname, '../..')
const DOCKER = path.join(REPO, 'docker')
const MONITORING = path.join(DOCKER, 'monitoring')
const read = (file: string) => readFileSync(file, 'utf8')

// ---- the series Prometheus can read ---------------------------------------------------------------------------

type SeriesKind = 'counter' | 'gauge' | 'histogram-part' | 'summary-part'
interface Series {
  kind: SeriesKind
  /** Label names of the series; 'any' when they vary (ALERTS carries each alert's labels). */
  labels: ReadonlySet<string> | 'any'
}
type Catalogue = ReadonlyMap<string, Series>

/** Labels Prometheus adds to every scraped series (the target's). */
const TARGET_LABELS = ['job', 'instance']

/** Series Prometheus writes itself. */
const PROMETHEUS_OWN: ReadonlyMap<string, Series> = new Map<string, Series>([
  ['up', { kind: 'gauge', labels: new Set(TARGET_LABELS) }],
  ['ALERTS', { kind: 'gauge', labels: 'any' }],
])

/** The bridge's registry, as `relais serve` builds it, with every recorder and collector fed once by fakes. */
async function bridgeRegistry(): Promise<Registry> {
  const metrics = createMetrics({ defaultMetrics: true })
  metrics.observePush(120, 40)
  metrics.countDhis2Error('transient', 'timeout')
  metrics.setCircuit('dhis2', 'open')
  metrics.countInboundAccepted('kobo', 3)
  metrics.countInboundRejected('kobo', 'bad-signature')
  metrics.observeRequest({ method: 'GET', route: '/api/v1/runs', status: 200, seconds: 0.02 })
  metrics.collectFrom({
    queues: () => [{ stage: 'push', depth: 2, oldestAgeSeconds: 30 }],
    recordCounts: () => Promise.resolve({ quarantined: 1, imported: 5 }),
    circuits: () => [],
    lastBackup: () => Promise.resolve(1_790_000_000),
    disks: () => Promise.resolve([{ path: '/var/lib/relais', freeBytes: 4e9, sizeBytes: 5e10 }]),
  })
  await metrics.scrape()
  return metrics.registry
}

/**
 * Every series name of the registry with its kind and labels: a histogram is read as its `_bucket` (with `le`),
 * `_sum` and `_count` series, a summary as its quantiles (`quantile`), `_sum` and `_count`.
 */
async function exportedSeries(registry: Registry): Promise<Map<string, Series>> {
  const series = new Map<string, Series>()
  for (const metric of await registry.getMetricsAsJSON()) {
    const declared = (registry.getSingleMetric(metric.name) as unknown as { labelNames?: readonly string[] })
      ?.labelNames
    const labels = new Set<string>([...TARGET_LABELS, ...(declared ?? [])])
    for (const value of metric.values) for (const label of Object.keys(value.labels)) labels.add(label)
    labels.delete('le')
    labels.delete('quantile')
    const type = String(metric.type)
    if (type === 'histogram') {
      series.set(`${metric.name}_bucket`, { kind: 'histogram-part', labels: new Set([...labels, 'le']) })
      series.set(`${metric.name}_sum`, { kind: 'histogram-part', labels })
      series.set(`${metric.name}_count`, { kind: 'histogram-part', labels })
    } else if (type === 'summary') {
      series.set(metric.name, { kind: 'gauge', labels: new Set([...labels, 'quantile']) })
      series.set(`${metric.name}_sum`, { kind: 'summary-part', labels })
      series.set(`${metric.name}_count`, { kind: 'summary-part', labels })
    } else {
      series.set(metric.name, { kind: type === 'counter' ? 'counter' : 'gauge', labels })
    }
  }
  return series
}

// ---- a PromQL checker -----------------------------------------------------------------------------------------

type ValueType = 'scalar' | 'vector' | 'matrix' | 'string'
type Labels = ReadonlySet<string> | 'any'

interface Typed {
  type: ValueType
  /** The labels of the result (vectors and matrices). */
  labels: Labels
  /** A vector selector, as written (a range may follow it). */
  selector?: { name: string; series: Series | undefined }
  /** A range read straight from a selector: its series (rate() wants a counter, delta() a gauge). */
  rangeOf?: { name: string; series: Series | undefined }
}

class PromqlSyntaxError extends Error {}

interface Token {
  kind: 'ident' | 'number' | 'duration' | 'string' | 'op' | 'eof'
  text: string
  at: number
}

const OPERATORS = ['==', '!=', '=~', '!~', '>=', '<=', '>', '<', '+', '-', '*', '/', '%', '^', '=']
const PUNCTUATION = ['(', ')', '{', '}', '[', ']', ',', ':', '@']

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++
      continue
    }
    const rest = source.slice(i)
    const token = (kind: Token['kind'], text: string) => {
      tokens.push({ kind, text, at: i })
      i += text.length
    }
    const duration = /^(?:\d+(?:ms|[smhdwy]))+(?![\w.])/.exec(rest)
    const number = /^(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![\w.])/.exec(rest)
    // Names may hold colons (recording rules), not start with one: `[1h:5m]` is a subquery.
    const ident = /^[A-Za-z_][A-Za-z0-9_:]*/.exec(rest)
    if (duration) token('duration', duration[0])
    else if (number) token('number', number[0])
    else if (ident) token('ident', ident[0])
    else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\n' && c !== '`') break
        j += source[j] === '\\' && c !== '`' ? 2 : 1
      }
      if (source[j] !== c) throw new PromqlSyntaxError(`unterminated string at ${i}`)
      tokens.push({ kind: 'string', text: source.slice(i + 1, j), at: i })
      i = j + 1
    } else {
      const op = [...OPERATORS, ...PUNCTUATION].find((o) => rest.startsWith(o))
      if (!op) throw new PromqlSyntaxError(`unexpected character ${JSON.stringify(c)} at ${i}`)
      token('op', op)
    }
  }
  tokens.push({ kind: 'eof', text: '', at: source.length })
  return tokens
}

const V = 'vector'
const M = 'matrix'
const S = 'scalar'
const STR = 'string'

interface Signature {
  args: ValueType[]
  /** How many trailing arguments may be left out. */
  optional?: number
  /** The last argument may repeat. */
  variadic?: boolean
  returns: ValueType
  /** keep: the labels of the first vector or range argument; none: no label; any: not tracked. */
  labels?: 'keep' | 'none' | 'any' | 'drop-le' | 'label-argument'
  /** rate() and the like read counters; delta() and the like gauges. */
  wants?: 'counter' | 'gauge'
}

const MATH = ['abs', 'ceil', 'floor', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'sgn', 'deg', 'rad', 'sort', 'sort_desc']
const TRIGONOMETRY = ['acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh']
const OVER_TIME = ['avg', 'min', 'max', 'sum', 'count', 'stddev', 'stdvar', 'last', 'present', 'mad'].map(
  (f) => `${f}_over_time`,
)
const CALENDAR = ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year']
const HISTOGRAM_READERS = ['histogram_avg', 'histogram_count', 'histogram_sum', 'histogram_stddev', 'histogram_stdvar']

/** PromQL's functions (Prometheus 3), with the type of each argument. */
const FUNCTIONS: Readonly<Record<string, Signature>> = {
  ...Object.fromEntries([...MATH, ...TRIGONOMETRY, 'timestamp'].map((f) => [f, { args: [V], returns: V }])),
  ...Object.fromEntries(OVER_TIME.map((f) => [f, { args: [M], returns: V }])),
  ...Object.fromEntries(CALENDAR.map((f) => [f, { args: [V], optional: 1, returns: V }])),
  ...Object.fromEntries(HISTOGRAM_READERS.map((f) => [f, { args: [V], returns: V }])),
  round: { args: [V, S], optional: 1, returns: V },
  clamp: { args: [V, S, S], returns: V },
  clamp_max: { args: [V, S], returns: V },
  clamp_min: { args: [V, S], returns: V },
  absent: { args: [V], returns: V, labels: 'any' },
  absent_over_time: { args: [M], returns: V, labels: 'any' },
  quantile_over_time: { args: [S, M], returns: V },
  changes: { args: [M], returns: V },
  resets: { args: [M], returns: V, wants: 'counter' },
  rate: { args: [M], returns: V, wants: 'counter' },
  irate: { args: [M], returns: V, wants: 'counter' },
  increase: { args: [M], returns: V, wants: 'counter' },
  delta: { args: [M], returns: V, wants: 'gauge' },
  idelta: { args: [M], returns: V, wants: 'gauge' },
  deriv: { args: [M], returns: V, wants: 'gauge' },
  predict_linear: { args: [M, S], returns: V, wants: 'gauge' },
  double_exponential_smoothing: { args: [M, S, S], returns: V, wants: 'gauge' },
  histogram_quantile: { args: [S, V], returns: V, labels: 'drop-le' },
  histogram_fraction: { args: [S, S, V], returns: V, labels: 'drop-le' },
  label_replace: { args: [V, STR, STR, STR, STR], returns: V, labels: 'label-argument' },
  label_join: { args: [V, STR, STR, STR], variadic: true, returns: V, labels: 'label-argument' },
  sort_by_label: { args: [V, STR], variadic: true, returns: V },
  sort_by_label_desc: { args: [V, STR], variadic: true, returns: V },
  scalar: { args: [V], returns: S },
  vector: { args: [S], returns: V, labels: 'none' },
  time: { args: [], returns: S },
  pi: { args: [], returns: S },
}

/** Aggregation operators; those with a parameter take it first. */
const AGGREGATIONS: Readonly<Record<string, ValueType | undefined>> = {
  sum: undefined,
  avg: undefined,
  min: undefined,
  max: undefined,
  count: undefined,
  group: undefined,
  stddev: undefined,
  stdvar: undefined,
  topk: S,
  bottomk: S,
  quantile: S,
  limitk: S,
  limit_ratio: S,
  count_values: STR,
}
/** These keep their input's series (and labels) whatever the grouping. */
const SELECTING_AGGREGATIONS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio'])

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<=': 3,
  '<': 3,
  '>=': 3,
  '>': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
}
const COMPARISONS = new Set(['==', '!=', '<=', '<', '>=', '>'])
const SET_OPERATORS = new Set(['and', 'or', 'unless'])
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset'])

const union = (a: Labels, b: Labels): Labels => (a === 'any' || b === 'any' ? 'any' : new Set([...a, ...b]))
const minus = (a: Labels, b: readonly string[]): Labels =>
  a === 'any' ? 'any' : new Set([...a].filter((l) => !b.includes(l)))
const sameLabels = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
  a.size === b.size && [...a].every((l) => b.has(l))
const show = (labels: ReadonlySet<string>) => `{${[...labels].sort().join(', ')}}`

interface Matching {
  bool: boolean
  on?: string[]
  ignoring?: string[]
  group?: { side: 'left' | 'right'; labels: string[] }
}

class PromqlParser {
  private position = 0
  /** Problems that do not stop the reading: unknown metrics, wrong labels, wrong argument types. */
  readonly problems: string[] = []
  /** Every metric name read, in order. */
  readonly metrics: string[] = []

  constructor(
    private readonly tokens: Token[],
    private readonly catalogue: Catalogue,
  ) {}

  parseAll(): Typed {
    const result = this.expression(0)
    if (this.peek().kind !== 'eof') this.fail(`unexpected ${JSON.stringify(this.peek().text)}`)
    return result
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!
  }
  private next(): Token {
    const token = this.peek()
    if (token.kind !== 'eof') this.position++
    return token
  }
  private isOp(text: string, offset = 0) {
    const token = this.peek(offset)
    return token.kind === 'op' && token.text === text
  }
  private isWord(text: string, offset = 0) {
    const token = this.peek(offset)
    return token.kind === 'ident' && token.text === text
  }
  private expect(text: string): void {
    if (!this.isOp(text)) this.fail(`expected ${JSON.stringify(text)}, found ${JSON.stringify(this.peek().text)}`)
    this.next()
  }
  private fail(message: string): never {
    throw new PromqlSyntaxError(`${message} (at ${this.peek().at})`)
  }

  private binaryOperator(): string | undefined {
    const token = this.peek()
    if (token.kind === 'op' && Object.hasOwn(BINARY_PRECEDENCE, token.text)) return token.text
    if (token.kind === 'ident' && ['and', 'or', 'unless', 'atan2'].includes(token.text)) return token.text
    return undefined
  }

  private expression(minPrecedence: number): Typed {
    let left = this.unary()
    for (;;) {
      const op = this.binaryOperator()
      if (op === undefined) return left
      const precedence = BINARY_PRECEDENCE[op]!
      if (precedence < minPrecedence) return left
      this.next()
      const matching = this.matching(op)
      const right = this.expression(op === '^' ? precedence : precedence + 1)
      left = this.binary(op, left, right, matching)
    }
  }

  private matching(op: string): Matching {
    const matching: Matching = { bool: false }
    if (this.isWord('bool')) {
      if (!COMPARISONS.has(op)) this.fail(`bool after ${op}`)
      this.next()
      matching.bool = true
    }
    if (this.isWord('on') || this.isWord('ignoring')) {
      const word = this.next().text
      matching[word === 'on' ? 'on' : 'ignoring'] = this.labelList()
      if (this.isWord('group_left') || this.isWord('group_right')) {
        if (SET_OPERATORS.has(op)) this.fail(`${this.peek().text} after ${op}`)
        const side = this.next().text === 'group_left' ? 'left' : 'right'
        matching.group = { side, labels: this.isOp('(') ? this.labelList() : [] }
      }
    } else if (this.isWord('group_left') || this.isWord('group_right')) {
      this.fail(`${this.peek().text} without on() or ignoring()`)
    }
    return matching
  }

  private labelList(): string[] {
    this.expect('(')
    const labels: string[] = []
    while (!this.isOp(')')) {
      const token = this.next()
      if (token.kind !== 'ident') this.fail(`expected a label name, found ${JSON.stringify(token.text)}`)
      labels.push(token.text)
      if (!this.isOp(',')) break
      this.next()
    }
    this.expect(')')
    return labels
  }

  private binary(op: string, left: Typed, right: Typed, matching: Matching): Typed {
    for (const side of [left, right]) {
      if (side.type === 'string' || side.type === 'matrix')
        this.problems.push(`${op} cannot take a ${side.type === 'matrix' ? 'range vector' : 'string'}`)
    }
    const vectors = left.type === 'vector' && right.type === 'vector'
    if ((matching.on || matching.ignoring) && !vectors) this.problems.push(`on()/ignoring() of ${op} needs two vectors`)
    if (SET_OPERATORS.has(op)) {
      if (!vectors) this.problems.push(`${op} needs a vector on each side`)
      this.checkMatchingLabels(op, left, right, matching, true)
      return { type: 'vector', labels: op === 'or' ? union(left.labels, right.labels) : left.labels }
    }
    if (left.type === 'scalar' && right.type === 'scalar') {
      if (COMPARISONS.has(op) && !matching.bool) this.problems.push(`comparing two scalars needs bool (${op})`)
      return { type: 'scalar', labels: new Set() }
    }
    if (!vectors) return { type: 'vector', labels: left.type === 'vector' ? left.labels : right.labels }
    this.checkMatchingLabels(op, left, right, matching, false)
    if (matching.group) {
      const many = matching.group.side === 'left' ? left : right
      return { type: 'vector', labels: union(many.labels, new Set(matching.group.labels)) }
    }
    if (matching.on) return { type: 'vector', labels: new Set(matching.on) }
    if (matching.ignoring) return { type: 'vector', labels: minus(left.labels, matching.ignoring) }
    return { type: 'vector', labels: left.labels }
  }

  /** Two vectors match on their labels: those of on(), all but ignoring()'s, or all of them. */
  private checkMatchingLabels(op: string, left: Typed, right: Typed, matching: Matching, setOperator: boolean) {
    if (left.labels === 'any' || right.labels === 'any') return
    const [l, r] = [left.labels, right.labels]
    if (matching.on) {
      for (const label of matching.on)
        if (!l.has(label) || !r.has(label)) this.problems.push(`on(${label}) of ${op}: not a label of both sides`)
      return
    }
    if (setOperator && op === 'or') return
    if (matching.group) return
    const ignored = matching.ignoring ?? []
    const keep = (labels: ReadonlySet<string>) => new Set([...labels].filter((x) => !ignored.includes(x)))
    if (!sameLabels(keep(l), keep(r)))
      this.problems.push(`the two sides of ${op} have different labels ${show(l)} and ${show(r)}: nothing matches`)
  }

  private unary(): Typed {
    if (this.isOp('-') || this.isOp('+')) {
      this.next()
      const operand = this.unary()
      if (operand.type !== 'scalar' && operand.type !== 'vector') this.problems.push('unary minus of a non-number')
      return { type: operand.type, labels: operand.labels }
    }
    return this.postfix(this.primary())
  }

  private postfix(primary: Typed): Typed {
    let result = primary
    if (this.isOp('[')) {
      this.next()
      const range = this.next()
      if (range.kind !== 'duration') this.fail(`expected a duration in [], found ${JSON.stringify(range.text)}`)
      if (this.isOp(':')) {
        this.next()
        if (this.peek().kind === 'duration') this.next()
        this.expect(']')
        if (result.type !== 'vector') this.problems.push('a subquery needs an instant vector')
        result = { type: 'matrix', labels: result.labels }
      } else {
        this.expect(']')
        if (!result.selector)
          this.problems.push('a range [..] follows only a metric selector (or use a subquery [..:])')
        result = { type: 'matrix', labels: result.labels, ...(result.selector ? { rangeOf: result.selector } : {}) }
      }
    }
    for (;;) {
      if (this.isWord('offset')) {
        this.next()
        if (this.isOp('-')) this.next()
        if (this.next().kind !== 'duration') this.fail('expected a duration after offset')
      } else if (this.isOp('@')) {
        this.next()
        const at = this.next()
        if (at.kind === 'ident' && (at.text === 'start' || at.text === 'end')) {
          this.expect('(')
          this.expect(')')
        } else if (at.kind !== 'number') this.fail('expected a time after @')
      } else break
      if (!result.selector && !(result.type === 'matrix')) this.problems.push('offset and @ follow a selector')
    }
    return result
  }

  private primary(): Typed {
    const token = this.peek()
    if (token.kind === 'number') {
      this.next()
      return { type: 'scalar', labels: new Set() }
    }
    if (token.kind === 'string') {
      this.next()
      return { type: 'string', labels: new Set() }
    }
    if (token.kind === 'duration') this.fail(`a duration (${token.text}) outside []`)
    if (this.isOp('(')) {
      this.next()
      const inner = this.expression(0)
      this.expect(')')
      return { type: inner.type, labels: inner.labels }
    }
    if (this.isOp('{')) return this.selector(undefined)
    if (token.kind === 'eof') this.fail('unexpected end of the query')
    if (token.kind !== 'ident') this.fail(`unexpected ${JSON.stringify(token.text)}`)
    if (/^(inf|nan)$/i.test(token.text)) {
      this.next()
      return { type: 'scalar', labels: new Set() }
    }
    if (
      Object.hasOwn(AGGREGATIONS, token.text) &&
      (this.isOp('(', 1) || this.isWord('by', 1) || this.isWord('without', 1))
    )
      return this.aggregation()
    if (this.isOp('(', 1)) return this.call()
    if (KEYWORDS.has(token.text) || Object.hasOwn(BINARY_PRECEDENCE, token.text)) this.fail(`unexpected ${token.text}`)
    this.next()
    return this.selector(token.text)
  }

  private selector(written: string | undefined): Typed {
    const matchers: { label: string; op: string; value: string }[] = []
    if (this.isOp('{')) {
      this.next()
      while (!this.isOp('}')) {
        const label = this.next()
        if (label.kind !== 'ident') this.fail(`expected a label name, found ${JSON.stringify(label.text)}`)
        const op = this.next()
        if (op.kind !== 'op' || !['=', '!=', '=~', '!~'].includes(op.text))
          this.fail(`expected =, !=, =~ or !~ after ${label.text}`)
        const value = this.next()
        if (value.kind !== 'string') this.fail(`expected a quoted value for ${label.text}`)
        if (op.text === '=~' || op.text === '!~') {
          try {
            new RegExp(value.text)
          } catch {
            this.problems.push(`bad regular expression ${JSON.stringify(value.text)}`)
          }
        }
        matchers.push({ label: label.text, op: op.text, value: value.text })
        if (!this.isOp(',')) break
        this.next()
      }
      this.expect('}')
    }
    const byName = matchers.find((m) => m.label === '__name__' && m.op === '=')
    const name = written ?? byName?.value
    if (name === undefined) {
      this.problems.push('a selector without a metric name')
      return { type: 'vector', labels: 'any' }
    }
    this.metrics.push(name)
    const series = this.catalogue.get(name)
    if (!series) this.problems.push(`unknown metric ${name}`)
    const labels: Labels = series ? series.labels : 'any'
    for (const { label } of matchers) {
      if (label !== '__name__' && labels !== 'any' && !labels.has(label))
        this.problems.push(`${name} has no label ${label} (it has ${show(labels)})`)
    }
    return { type: 'vector', labels, selector: { name, series } }
  }

  private grouping(): { mode: 'by' | 'without'; labels: string[] } {
    const mode = this.next().text === 'by' ? 'by' : 'without'
    return { mode, labels: this.labelList() }
  }

  private arguments(): Typed[] {
    this.expect('(')
    const args: Typed[] = []
    while (!this.isOp(')')) {
      args.push(this.expression(0))
      if (!this.isOp(',')) break
      this.next()
      if (this.isOp(')')) this.fail('a trailing comma')
    }
    this.expect(')')
    return args
  }

  private checkArguments(name: string, args: Typed[], wanted: ValueType[]) {
    if (args.length !== wanted.length) {
      this.problems.push(`${name}() takes ${wanted.length} argument(s), not ${args.length}`)
      return
    }
    args.forEach((arg, i) => {
      if (arg.type !== wanted[i])
        this.problems.push(`argument ${i + 1} of ${name}() must be a ${wanted[i]}, not a ${arg.type}`)
    })
  }

  private aggregation(): Typed {
    const name = this.next().text
    let grouping = this.isWord('by') || this.isWord('without') ? this.grouping() : undefined
    const args = this.arguments()
    if (!grouping && (this.isWord('by') || this.isWord('without'))) grouping = this.grouping()
    const parameter = AGGREGATIONS[name]
    this.checkArguments(name, args, parameter ? [parameter, V] : [V])
    const input = args.at(-1)?.labels ?? 'any'
    if (grouping && input !== 'any') {
      for (const label of grouping.labels)
        if (!input.has(label)) this.problems.push(`${name} ${grouping.mode} (${label}): the input has no such label`)
    }
    if (SELECTING_AGGREGATIONS.has(name)) return { type: 'vector', labels: input }
    if (name === 'count_values') return { type: 'vector', labels: 'any' }
    let labels: Labels = new Set()
    if (grouping?.mode === 'by') labels = new Set(grouping.labels)
    if (grouping?.mode === 'without') labels = minus(input, grouping.labels)
    return { type: 'vector', labels }
  }

  private call(): Typed {
    const name = this.next().text
    const signature = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined
    if (!signature) this.fail(`unknown function ${name}()`)
    const args = this.arguments()
    let wanted = signature.args
    if (signature.variadic && args.length > wanted.length)
      wanted = [...wanted, ...Array<ValueType>(args.length - wanted.length).fill(wanted.at(-1)!)]
    if (signature.optional && args.length < wanted.length && args.length >= wanted.length - signature.optional)
      wanted = wanted.slice(0, args.length)
    this.checkArguments(name, args, wanted)
    if (signature.wants) {
      const range = args.find((a) => a.type === 'matrix')?.rangeOf
      const kind = range?.series?.kind
      if (range && kind) {
        const counterLike = kind === 'counter' || kind === 'histogram-part' || kind === 'summary-part'
        if (signature.wants === 'counter' && !counterLike)
          this.problems.push(`${name}() wants a counter, ${range.name} is a ${kind}`)
        if (signature.wants === 'gauge' && counterLike)
          this.problems.push(`${name}() wants a gauge, ${range.name} is a ${kind}: use rate() or increase()`)
      }
    }
    const first = args.find((a) => a.type === 'vector' || a.type === 'matrix')
    let labels: Labels = first?.labels ?? new Set()
    if (signature.labels === 'none') labels = new Set()
    if (signature.labels === 'any') labels = 'any'
    if (signature.labels === 'drop-le') {
      if (labels !== 'any' && !labels.has('le'))
        this.problems.push(`${name}() needs the le label of histogram buckets (its input has ${show(labels)})`)
      labels = minus(labels, ['le'])
    }
    if (signature.labels === 'label-argument') labels = 'any'
    return { type: signature.returns, labels }
  }
}

/** Grafana's interval variables, as Prometheus would receive them. */
function withGrafanaVariables(expr: string): string {
  return expr.replace(/\$(?:\{(__rate_interval|__interval|__range)\}|(__rate_interval|__interval|__range)\b)/g, '5m')
}

interface Analysis {
  /** Problems found; empty when the query reads well. */
  problems: string[]
  metrics: string[]
  type?: ValueType
  labels: Labels
}

function analyse(expr: string, catalogue: Catalogue): Analysis {
  const unknownVariable = /\$\{?(?!__rate_interval|__interval|__range)[A-Za-z_]\w*/.exec(expr)
  if (unknownVariable)
    return { problems: [`unknown Grafana variable ${unknownVariable[0]}`], metrics: [], labels: 'any' }
  try {
    const parser = new PromqlParser(tokenize(withGrafanaVariables(expr)), catalogue)
    const result = parser.parseAll()
    return { problems: parser.problems, metrics: parser.metrics, type: result.type, labels: result.labels }
  } catch (error) {
    if (error instanceof PromqlSyntaxError) return { problems: [error.message], metrics: [], labels: 'any' }
    throw error
  }
}

// ---- the files ------------------------------------------------------------------------------------------------

interface Rule {
  alert?: unknown
  record?: unknown
  expr?: unknown
  for?: unknown
  labels?: Record<string, unknown>
  annotations?: Record<string, unknown>
  [key: string]: unknown
}
interface RuleFile {
  groups?: { name?: unknown; rules?: Rule[]; [key: string]: unknown }[]
}
interface PrometheusConfig {
  global?: { scrape_interval?: string; evaluation_interval?: string }
  rule_files?: string[]
  scrape_configs?: {
    job_name: string
    metrics_path?: string
    static_configs?: { targets: string[] }[]
    authorization?: { type?: string; credentials?: string; credentials_file?: string }
    basic_auth?: unknown
    [key: string]: unknown
  }[]
}
interface Panel {
  id?: number
  type?: string
  title?: string
  datasource?: { type?: string; uid?: string }
  gridPos?: { x: number; y: number; w: number; h: number }
  targets?: { expr?: string; legendFormat?: string; refId?: string; datasource?: { uid?: string } }[]
  panels?: Panel[]
}
interface Dashboard {
  uid?: string
  title?: string
  schemaVersion?: number
  panels?: Panel[]
  templating?: { list?: unknown[] }
}
interface ComposeService {
  image?: string
  profiles?: string[]
  restart?: string
  command?: string[]
  ports?: unknown[]
  env_file?: (string | { path: string })[] | string
  environment?: Record<string, unknown>
  volumes?: (string | { type: string; source?: string; target: string })[]
  secrets?: (string | { source: string; target?: string })[]
  networks?: string[] | Record<string, unknown>
  healthcheck?: { test?: unknown }
}
interface Compose {
  services: Record<string, ComposeService>
  secrets?: Record<string, { file?: string; environment?: string }>
}

const alertsText = read(path.join(MONITORING, 'alerts.yml'))
const ruleFile = parse(alertsText) as RuleFile
const prometheus = parse(read(path.join(MONITORING, 'prometheus.yml'))) as PrometheusConfig
const dashboard = JSON.parse(read(path.join(MONITORING, 'grafana', 'relais-dashboard.json'))) as Dashboard
const datasources = parse(read(path.join(MONITORING, 'grafana/provisioning/datasources/prometheus.yml'))) as {
  apiVersion?: number
  datasources?: { name?: string; uid?: string; type?: string; url?: string; isDefault?: boolean }[]
}
const dashboardProviders = parse(read(path.join(MONITORING, 'grafana/provisioning/dashboards/relais.yml'))) as {
  apiVersion?: number
  providers?: { name?: string; type?: string; options?: { path?: string } }[]
}
const compose = parse(read(path.join(DOCKER, 'compose.yml'))) as Compose

const rules: Rule[] = (ruleFile.groups ?? []).flatMap((g) => g.rules ?? [])
const alertName = (rule: Rule) => String(rule.alert)

/** Every panel, those inside rows included. */
const allPanels = (panels: Panel[] = []): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels)])
const queryPanels = allPanels(dashboard.panels).filter((p) => p.type !== 'row')
const panelQueries = queryPanels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title ?? `#${panel.id}`, ...target })),
)

const volumesOf = (service: ComposeService) =>
  (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source ?? '', target: volume.target }
    const [source = '', target = ''] = volume.split(':')
    return { source, target }
  })
const mountOf = (service: ComposeService, target: string) => volumesOf(service).find((v) => v.target === target)
const networksOf = (service: ComposeService) =>
  Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? { default: null })
const service = (name: string): ComposeService => {
  const found = compose.services[name]
  if (!found) throw new Error(`docker/compose.yml has no service ${name}`)
  return found
}

const GO_DURATION = /^(?:\d+(?:ms|[smhdwy]))+$/

let catalogue: Map<string, Series>
let exportedByBridge: Map<string, Series>

beforeAll(async () => {
  const registry = await bridgeRegistry()
  exportedByBridge = await exportedSeries(registry)
  registry.clear()
  catalogue = new Map([...exportedByBridge, ...PROMETHEUS_OWN])
})

// ---------------------------------------------------------------------------------------------------------------

describe('the PromQL checker', () => {
  const good = [
    'up{job="relais-bridge"} == 0',
    'sum by (kind, reason) (rate(relais_dhis2_errors_total[5m]))',
    'sum(rate(relais_dhis2_errors_total[5m])) without (kind)',
    'histogram_quantile(0.95, sum by (le) (rate(relais_dhis2_push_duration_seconds_bucket[$__rate_interval])))',
    'time() - max(relais_backup_last_success_timestamp_seconds > 0) > 26 * 3600',
    'absent(relais_backup_last_success_timestamp_seconds) and on () (max(up{job="relais-bridge"}) == 1)',
    'relais_disk_free_bytes / relais_disk_size_bytes < 0.10',
    'max_over_time(relais_queue_depth{stage=~"map|push"}[1h:5m] offset 1d)',
    'relais_records offset -5m',
    'delta(relais_records{status="quarantined"}[1h] @ end())',
    'topk(3, relais_queue_depth) > bool 1 # a comment',
    'label_replace(relais_queue_depth, "queue", "$1", "stage", "(.*)")',
    'relais_records * on (job, instance) group_left (version) relais_nodejs_version_info',
    '-relais_queue_depth ^ 2 % 3',
    '{__name__="relais_queue_depth", stage!="map"}',
    'count_values("state", relais_dhis2_circuit_state)',
    'vector(1) or on () relais_queue_depth',
  ]
  it.each(good)('reads %s', (expr) => {
    expect(analyse(expr, catalogue).problems).toEqual([])
  })

  const bad: [string, string, RegExp][] = [
    ['a typo in a metric name', 'max by (stage) (relais_queue_depht) > 500', /unknown metric relais_queue_depht/],
    ['a histogram read without its suffix', 'rate(relais_dhis2_push_duration_seconds[5m])', /unknown metric/],
    ['a parenthesis left open', 'sum(rate(relais_dhis2_errors_total[5m])', /expected "\)"/],
    ['a parenthesis too many', 'sum(relais_queue_depth))', /unexpected "\)"/],
    ['a bracket left open', 'rate(relais_dhis2_errors_total[5m)', /expected "\]"/],
    ['a brace left open', 'relais_queue_depth{stage="push"', /expected|label name/],
    ['an unknown function', 'rates(relais_dhis2_errors_total[5m])', /unknown function rates/],
    ['rate() of an instant vector', 'rate(relais_dhis2_errors_total)', /must be a matrix/],
    ['rate() of a gauge', 'rate(relais_queue_depth[5m])', /wants a counter/],
    ['delta() of a counter', 'delta(relais_dhis2_errors_total[5m])', /wants a gauge/],
    ['a label the metric has not', 'relais_queue_depth{stag="push"}', /has no label stag/],
    ['grouping by a label the input has not', 'sum by (state) (relais_records)', /no such label/],
    [
      'histogram_quantile() without le',
      'histogram_quantile(0.95, sum by (stage) (rate(relais_dhis2_push_duration_seconds_bucket[5m])))',
      /needs the le label/,
    ],
    ['a missing operand', 'relais_queue_depth >', /unexpected/],
    ['an unterminated string', 'relais_queue_depth{stage="push}', /unterminated string/],
    ['a range on an expression', 'rate(sum(relais_dhis2_errors_total)[5m])', /follows only a metric selector/],
    ['a bad duration', 'rate(relais_dhis2_errors_total[5 m])', /duration/],
    ['scalars compared without bool', '1 > 2', /needs bool/],
    ['vectors that cannot match', 'relais_queue_depth / relais_records', /different labels/],
    ['a Grafana variable Prometheus never sees', 'relais_queue_depth{stage="$stage"}', /unknown Grafana variable/],
  ]
  it.each(bad)('refuses %s', (_what, expr, problem) => {
    const { problems } = analyse(expr, catalogue)
    expect(problems.some((p) => problem.test(p))).toBe(true)
  })

  it('works out the labels of a result', () => {
    const labels = analyse(
      'sum by (stage) (relais_queue_depth) / on (stage) max by (stage) (relais_queue_depth)',
      catalogue,
    ).labels
    expect(labels === 'any' ? labels : [...labels]).toEqual(['stage'])
    const disk = analyse('relais_disk_free_bytes / relais_disk_size_bytes', catalogue).labels
    expect(disk === 'any' ? disk : [...disk].sort()).toEqual(['instance', 'job', 'path'])
  })

  it('finds a metric name misspelt in alerts.yml itself', () => {
    const misspelt = parse(alertsText.replace('relais_queue_oldest_job_age_seconds', 'relais_queue_oldest_job_age'))
    const exprs = (misspelt as RuleFile).groups!.flatMap((g) => g.rules ?? []).map((r) => String(r.expr))
    expect(exprs.flatMap((e) => analyse(e, catalogue).problems)).toEqual(['unknown metric relais_queue_oldest_job_age'])
  })
})

describe('the metrics the bridge exports', () => {
  it('are read from its registry, histograms as their _bucket, _sum and _count series', () => {
    expect(exportedByBridge.get('relais_queue_depth')).toMatchObject({ kind: 'gauge' })
    expect(exportedByBridge.get('relais_dhis2_errors_total')?.labels).toEqual(
      new Set(['job', 'instance', 'kind', 'reason']),
    )
    expect(exportedByBridge.get('relais_dhis2_push_duration_seconds_bucket')?.labels).toContain('le')
    expect(exportedByBridge.has('relais_dhis2_push_duration_seconds_count')).toBe(true)
    expect(exportedByBridge.has('relais_dhis2_push_duration_seconds')).toBe(false)
    expect(exportedByBridge.has('relais_process_resident_memory_bytes')).toBe(true)
  })
})

describe('docker/monitoring/alerts.yml', () => {
  it('has groups of rules with unique names', () => {
    const groups = ruleFile.groups ?? []
    expect(groups.length).toBeGreaterThan(0)
    const names = groups.map((g) => g.name)
    expect(names.every((n) => typeof n === 'string' && n.length > 0)).toBe(true)
    expect(new Set(names).size).toBe(names.length)
    for (const group of groups) {
      expect(Object.keys(group).filter((k) => !['name', 'interval', 'rules', 'limit'].includes(k))).toEqual([])
      expect({ group: group.name, rules: (group.rules ?? []).length > 0 }).toEqual({ group: group.name, rules: true })
    }
    const alerts = rules.map(alertName)
    expect(new Set(alerts).size).toBe(alerts.length)
  })

  it('has the alerts of issue 17', () => {
    expect(rules.map(alertName)).toEqual(
      expect.arrayContaining([
        'RelaisBridgeDown',
        'RelaisQueueDepthHigh',
        'RelaisQueueOldestJobTooOld',
        'RelaisDhis2PushErrors',
        'RelaisDhis2CircuitOpen',
        'RelaisQuarantineGrowing',
        'RelaisDhis2PushLatencyHigh',
        'RelaisBackupTooOld',
        'RelaisBackupMissing',
        'RelaisDiskSpaceLow',
      ]),
    )
  })

  it.each(rules.map((rule) => [alertName(rule), rule] as const))(
    '%s has expr, for, a severity and its text in French and English',
    (_name, rule) => {
      expect(
        Object.keys(rule).filter(
          (k) => !['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'].includes(k),
        ),
      ).toEqual([])
      expect(alertName(rule)).toMatch(/^Relais[A-Z][A-Za-z0-9]+$/)
      expect(typeof rule.expr).toBe('string')
      expect(String(rule.for)).toMatch(GO_DURATION)
      expect(['warning', 'critical']).toContain(rule.labels?.severity)
      const annotations = rule.annotations ?? {}
      for (const key of ['summary_fr', 'description_fr', 'summary_en', 'description_en']) {
        const text = annotations[key]
        expect({ key, text: typeof text === 'string' && text.trim().length > 10 }).toEqual({ key, text: true })
      }
      expect(annotations.summary_fr).not.toEqual(annotations.summary_en)
      expect(annotations.description_fr).not.toEqual(annotations.description_en)
    },
  )

  it.each(rules.map((rule) => [alertName(rule), rule] as const))(
    '%s: its expr reads well, on exported metrics, and its text names only labels the result has',
    (name, rule) => {
      const analysis = analyse(String(rule.expr), catalogue)
      expect({ alert: name, problems: analysis.problems }).toEqual({ alert: name, problems: [] })
      expect({ alert: name, type: analysis.type }).toEqual({ alert: name, type: 'vector' })
      expect(analysis.metrics.length).toBeGreaterThan(0)
      const texts = Object.values(rule.annotations ?? {}).map(String)
      for (const text of texts) {
        expect((text.match(/\{\{/g) ?? []).length).toBe((text.match(/\}\}/g) ?? []).length)
        for (const [, label] of text.matchAll(/\$labels\.([A-Za-z_]\w*)/g)) {
          const labels = analysis.labels
          if (labels !== 'any')
            expect({ alert: name, label, present: labels.has(label!) }).toEqual({ alert: name, label, present: true })
        }
      }
    },
  )

  it('reads only the jobs prometheus.yml scrapes', () => {
    const jobs = new Set((prometheus.scrape_configs ?? []).map((c) => c.job_name))
    const named = [...alertsText.matchAll(/job="([^"]+)"/g)].map((m) => m[1]!)
    expect(named.length).toBeGreaterThan(0)
    expect(named.filter((job) => !jobs.has(job))).toEqual([])
  })
})

describe('docker/monitoring/prometheus.yml', () => {
  const prometheusService = service('prometheus')
  const bridgeJob = (prometheus.scrape_configs ?? []).find((c) => c.job_name === 'relais-bridge')

  it('scrapes and evaluates at a set interval', () => {
    expect(prometheus.global?.scrape_interval).toMatch(GO_DURATION)
    expect(prometheus.global?.evaluation_interval).toMatch(GO_DURATION)
  })

  it('scrapes the bridge on its port, on a network they share', () => {
    expect(bridgeJob?.metrics_path ?? '/metrics').toBe('/metrics')
    expect(bridgeJob?.static_configs?.flatMap((s) => s.targets)).toEqual([
      `bridge:${service('bridge').environment?.PORT}`,
    ])
    const bridgeNetworks = networksOf(service('bridge'))
    expect(networksOf(prometheusService).some((n) => bridgeNetworks.includes(n))).toBe(true)
  })

  it("sends the bridge's API key from a git-ignored compose secret, never written in the file", () => {
    expect(bridgeJob?.authorization?.type ?? 'Bearer').toBe('Bearer')
    expect(bridgeJob?.authorization?.credentials).toBeUndefined()
    expect(bridgeJob?.basic_auth).toBeUndefined()
    const file = bridgeJob?.authorization?.credentials_file ?? ''
    const secret = /^\/run\/secrets\/([\w.-]+)$/.exec(file)?.[1]
    expect(secret).toBeDefined()
    expect((prometheusService.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source))).toContain(secret)
    const source = compose.secrets?.[secret!]?.file
    expect(source).toMatch(/^\.\/monitoring\//)
    expect(ignoredByGit(path.join('docker', source!))).not.toBe(false)
  })

  it('loads alerts.yml and its own configuration from docker/monitoring', () => {
    const configFlag = (prometheusService.command ?? []).find((c) => c.startsWith('--config.file='))
    const configPath = configFlag?.split('=')[1] ?? '/etc/prometheus/prometheus.yml'
    expect(mountOf(prometheusService, configPath)?.source).toBe('./monitoring/prometheus.yml')
    expect(prometheus.rule_files ?? []).toHaveLength(1)
    for (const ruleFilePath of prometheus.rule_files ?? [])
      expect(mountOf(prometheusService, ruleFilePath)?.source).toBe('./monitoring/alerts.yml')
  })
})

describe('docker/monitoring/grafana', () => {
  const grafana = service('grafana')
  const prometheusSources = (datasources.datasources ?? []).filter((d) => d.type === 'prometheus')
  const datasourceUid = prometheusSources[0]?.uid

  it("provisions one Prometheus data source, the stack's, with a fixed uid", () => {
    expect(datasources.apiVersion).toBe(1)
    expect(prometheusSources).toHaveLength(1)
    expect(datasourceUid).toMatch(/^[\w-]+$/)
    const url = new URL(prometheusSources[0]?.url ?? '')
    expect(url.hostname).toBe('prometheus')
    expect(url.port).toBe('9090')
    const prometheusNetworks = networksOf(service('prometheus'))
    expect(networksOf(grafana).some((n) => prometheusNetworks.includes(n))).toBe(true)
  })

  it('provisions the dashboard from the folder compose mounts it in', () => {
    expect(dashboardProviders.apiVersion).toBe(1)
    const providers = dashboardProviders.providers ?? []
    expect(providers).toHaveLength(1)
    const dashboardMount = volumesOf(grafana).find((v) => v.source === './monitoring/grafana/relais-dashboard.json')
    expect(dashboardMount).toBeDefined()
    expect(path.posix.dirname(dashboardMount!.target)).toBe(providers[0]?.options?.path)
    for (const kind of ['datasources', 'dashboards'])
      expect(mountOf(grafana, `/etc/grafana/provisioning/${kind}`)?.source).toBe(
        `./monitoring/grafana/provisioning/${kind}`,
      )
  })

  it('has a dashboard with a uid, unique panel ids, panels within the grid, all on that data source', () => {
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/)
    expect(dashboard.title).toBeTruthy()
    const ids = allPanels(dashboard.panels).map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(queryPanels.length).toBeGreaterThan(0)
    for (const panel of queryPanels) {
      const where = { panel: panel.title }
      expect({ ...where, uid: panel.datasource?.uid }).toEqual({ ...where, uid: datasourceUid })
      expect({ ...where, targets: (panel.targets ?? []).length > 0 }).toEqual({ ...where, targets: true })
      for (const target of panel.targets ?? [])
        expect({ ...where, uid: target.datasource?.uid ?? datasourceUid }).toEqual({ ...where, uid: datasourceUid })
      const grid = panel.gridPos
      expect({ ...where, inGrid: !!grid && grid.x >= 0 && grid.w > 0 && grid.x + grid.w <= 24 }).toEqual({
        ...where,
        inGrid: true,
      })
    }
  })

  it.each(panelQueries.map((q) => [`${q.panel} ${q.refId ?? ''}`, q] as const))(
    'panel %s: its query reads well, on exported metrics, and its legend names labels the result has',
    (where, query) => {
      const analysis = analyse(query.expr ?? '', catalogue)
      expect({ where, problems: analysis.problems }).toEqual({ where, problems: [] })
      for (const [, label] of (query.legendFormat ?? '').matchAll(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g)) {
        if (analysis.labels !== 'any')
          expect({ where, label, present: analysis.labels.has(label!) }).toEqual({ where, label, present: true })
      }
    },
  )

  it('shows the queues, DHIS2, circuits, quarantine, inbound records, the API, backups and disk', () => {
    const used = new Set(panelQueries.flatMap((q) => analyse(q.expr ?? '', catalogue).metrics))
    const wanted = [
      'relais_queue_depth',
      'relais_queue_oldest_job_age_seconds',
      'relais_dhis2_push_duration_seconds_count',
      'relais_dhis2_push_duration_seconds_bucket',
      'relais_dhis2_errors_total',
      'relais_dhis2_circuit_state',
      'relais_records',
      'relais_inbound_records_total',
      'relais_inbound_rejected_total',
      'relais_http_requests_total',
      'relais_http_request_duration_seconds_bucket',
      'relais_backup_last_success_timestamp_seconds',
      'relais_disk_free_bytes',
      'relais_disk_size_bytes',
    ]
    expect(wanted.filter((name) => !used.has(name))).toEqual([])
  })
})

// ---- compose ---------------------------------------------------------------------------------------------------

const gitWorks = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: REPO }).status === 0
/** true / false as git says; undefined without git. */
function ignoredByGit(file: string): boolean | undefined {
  if (!gitWorks) return undefined
  return spawnSync('git', ['check-ignore', '-q', '--no-index', file], { cwd: REPO }).status === 0
}

describe('docker/compose.yml: the monitoring profile', () => {
  const monitoring = ['prometheus', 'grafana']

  it('starts Prometheus and Grafana only with --profile monitoring, and the rest of the stack without it', () => {
    for (const [name, s] of Object.entries(compose.services))
      expect({ name, profiles: s.profiles ?? [] }).toEqual({
        name,
        profiles: monitoring.includes(name) ? ['monitoring'] : [],
      })
  })

  it.each(monitoring)('%s runs a pinned version, restarts, has a healthcheck and publishes no port', (name) => {
    const s = service(name)
    expect(s.image).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+$/)
    expect(s.restart).toBe('unless-stopped')
    expect(s.healthcheck?.test).toBeDefined()
    expect(s.ports ?? []).toEqual([])
  })

  it.each(monitoring)('%s mounts files of docker/monitoring that exist', (name) => {
    const binds = volumesOf(service(name)).filter((v) => v.source.startsWith('.'))
    expect(binds.length).toBeGreaterThan(0)
    for (const { source } of binds)
      expect({ source, exists: existsSync(path.resolve(DOCKER, source)) }).toEqual({ source, exists: true })
  })

  it("reads Grafana's admin password from a git-ignored env file, never from compose.yml", () => {
    const grafana = service('grafana')
    const envFiles = [grafana.env_file ?? []].flat().map((e) => (typeof e === 'string' ? e : e.path))
    expect(envFiles).toEqual(['monitoring/grafana.env'])
    const example = read(path.join(DOCKER, 'monitoring/grafana.env.example'))
    expect(example).toMatch(/^GF_SECURITY_ADMIN_PASSWORD=change-me-openssl-rand-hex-32$/m)
    expect(Object.keys(grafana.environment ?? {}).filter((k) => /ADMIN_PASSWORD/.test(k))).toEqual([])
    expect(ignoredByGit('docker/monitoring/grafana.env')).not.toBe(false)
    expect(ignoredByGit('docker/monitoring/grafana.env.example')).not.toBe(true)
  })
})
