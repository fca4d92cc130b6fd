/**
 * Errors about a spec — YAML syntax, format (zod) and compile (metadata drift) alike — each pointing at
 * the spec's line and column and saying, in French and English, what to write instead.
 */

export type Bilingual = { fr: string; en: string }

export interface SpecError {
  /** `SPEC_SYNTAX`, `SPEC_FORMAT`, or a compile code such as `DATA_ELEMENT_UNKNOWN`. */
  code: string
  /** Where in the spec, as `values[3].dataElement` (empty for the whole document). */
  path: string
  /** 1-based; absent when the spec did not come from YAML text. */
  line?: number
  column?: number
  message: Bilingual
  /** What to write instead. */
  hint?: Bilingual
}

export type SpecPath = readonly (string | number)[]

export function formatPath(path: SpecPath): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`
  return out
}

/** One line per error: `file:line:column path: message — hint`, for terminals and logs. */
export function formatSpecError(error: SpecError, locale: 'fr' | 'en' = 'en', file = 'spec'): string {
  const where = error.line === undefined ? file : `${file}:${error.line}:${error.column ?? 1}`
  const path = error.path === '' ? '' : ` ${error.path}:`
  const hint = error.hint ? ` — ${error.hint[locale]}` : ''
  return `${where}${path} ${error.message[locale]}${hint} [${error.code}]`
}

/** Levenshtein distance, to suggest the key or code a misspelling was meant to be. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length] ?? 0
}

/**
 * "Did you mean `a` (or `b`)?" for the closest candidates within a small distance (case-insensitive);
 * undefined when nothing is close. A hint for a person, never a guess the engine acts on.
 */
export function closest(word: string, candidates: Iterable<string>): Bilingual | undefined {
  let best: string[] = []
  let bestDistance = Infinity
  const lower = word.toLowerCase()
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase())
    if (d < bestDistance) {
      best = [candidate]
      bestDistance = d
    } else if (d === bestDistance && !best.includes(candidate)) best.push(candidate)
  }
  if (best.length === 0 || best.length > 3 || bestDistance > Math.max(2, Math.floor(word.length / 4))) return undefined
  return { en: `did you mean \`${best.join('` or `')}\`?`, fr: `vouliez-vous écrire \`${best.join('` ou `')}\` ?` }
}
