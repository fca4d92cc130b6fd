/**
 * What every verb shares: the io it writes to, command-line parsing that turns every mistake into a
 * UsageError (exit 2, one line), and small checks of option values.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { MAX_PAGE_SIZE } from '../ledger/paging'

type OptionsConfig = NonNullable<ParseArgsConfig['options']>

/** Where a verb writes: `out` for results, `err` for diagnostics; `stdout` for live progress. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  /** The real stream, for the progress bar (a bar only when it is a TTY). */
  readonly stdout?: NodeJS.WriteStream
}

/** Bad usage: main prints `relais <verb>: <message>` and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** parseArgs, strict, with positionals; its errors become one-line UsageErrors. */
export function parseCli<const O extends OptionsConfig>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (error) {
    // Node's messages are long ("… To specify a positional argument starting with a '-' …"): keep the first sentence.
    const message = (error instanceof Error ? error.message : String(error)).replace(/^\w*Error \[\w+\]: /, '')
    throw new UsageError(message.split(/\.\s/)[0]!.replace(/\.$/, ''))
  }
}

/** A whole number ≥ `min` from an option's text, or a UsageError naming the option. */
export function wholeNumber(option: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text.trim()) || Number(text) < min)
    throw new UsageError(`${option} must be a whole number ≥ ${min} (got "${text}")`)
  return Number(text)
}

/** `--page N --page-size N` of the listing verbs: page from 1, 50 a page by default, at most the ledger's page size. */
export function pageOptions(values: { page?: string | undefined; 'page-size'?: string | undefined }): {
  page: number
  pageSize: number
} {
  const page = wholeNumber('--page', values.page, 1)
  const pageSize = wholeNumber('--page-size', values['page-size'], 50)
  if (pageSize > MAX_PAGE_SIZE) throw new UsageError(`--page-size must be at most ${MAX_PAGE_SIZE} (got ${pageSize})`)
  return { page, pageSize }
}

/** A positive number of seconds (decimals allowed) from an option's text. */
export function seconds(option: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`${option} must be a number of seconds > 0 (got "${text}")`)
  return value
}

/** Exactly `count` positionals after the verb, or a UsageError with the usage line. */
export function expectPositionals(positionals: string[], count: number, usage: string): void {
  if (positionals.length < count) throw new UsageError(`missing argument — usage: ${usage}`)
  if (positionals.length > count) throw new UsageError(`unexpected argument "${positionals[count]}" — usage: ${usage}`)
}

/** `--locale fr|en` of the operators' commands: French unless told otherwise (the people who run them). */
export const LOCALE_OPTION = { locale: { type: 'string', default: 'fr' } } as const

/** The language asked for; any other value than fr or en is bad usage, not silently French. */
export function localeOf(values: { locale?: string | undefined }): 'fr' | 'en' {
  const locale = values.locale ?? 'fr'
  if (locale !== 'fr' && locale !== 'en') throw new UsageError(`--locale must be fr or en (got "${locale}")`)
  return locale
}
