/**
 * Reads a spec from YAML text: YAML syntax errors and zod format errors come back all at once, each at
 * its line and column (the yaml package's node ranges + LineCounter), with what to write instead.
 * The parsed spec keeps a `locate` function so that compile errors (metadata drift) point at lines too.
 */
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml'
import type { z } from 'zod'
import { closest, formatPath, type Bilingual, type SpecError, type SpecPath } from './errors'
import { OBJECT_KEYS, specSchema, type MappingSpec } from './schema'

export interface Position {
  line: number
  column: number
}

export interface LoadedSpec {
  spec: MappingSpec
  /** The line and column of a path of the spec (of its key when `key` is true), when known. */
  locate: (path: SpecPath, key?: boolean) => Position | undefined
}

export type SpecLoadResult = ({ ok: true } & LoadedSpec) | { ok: false; errors: SpecError[] }

export function loadSpec(text: string): SpecLoadResult {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true })
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        code: 'SPEC_SYNTAX',
        path: '',
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
        message: { en: `YAML syntax: ${e.message.split('\n')[0] ?? e.message}`, fr: `Syntaxe YAML : ${e.code}` },
        hint: {
          en: 'check the indentation (spaces, not tabs) and that each `key: value` is on its own line',
          fr: 'vérifiez l’indentation (des espaces, pas de tabulations) et que chaque `clé: valeur` est sur sa ligne',
        },
      })),
    }
  }
  const locate = locator(doc, lineCounter)
  const parsed = specSchema.safeParse(doc.toJS())
  if (parsed.success) return { ok: true, spec: parsed.data, locate }
  const raw: unknown = doc.toJS()
  return { ok: false, errors: parsed.error.issues.flatMap((issue) => describeIssue(issue, raw, locate)) }
}

function locator(doc: Document, lineCounter: LineCounter) {
  return (path: SpecPath, key = false): Position | undefined => {
    // Walk up to the deepest node that exists (a missing key points at the object that lacks it).
    for (let depth = path.length; depth >= 0; depth--) {
      const sub = path.slice(0, depth)
      if (key && depth === path.length && depth > 0) {
        const parent = sub.length === 1 ? doc.contents : doc.getIn(sub.slice(0, -1), true)
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === sub.at(-1))
          if (pair && isNode(pair.key) && pair.key.range) return position(lineCounter, pair.key.range[0])
        }
      }
      const node = depth === 0 ? doc.contents : doc.getIn(sub, true)
      if (isNode(node) && node.range) return position(lineCounter, node.range[0])
    }
    return undefined
  }
}

function position(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset)
  return { line, column: col }
}

function valueAt(root: unknown, path: SpecPath): unknown {
  let node = root
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string | number, unknown>)[part]
  }
  return node
}

/** The kind of object at a path, to list the keys it takes. */
function objectKind(path: SpecPath): string {
  const last = path.at(-1)
  if (path.length === 0) return 'spec'
  if (typeof last === 'number') return path.at(-2) === 'values' ? 'value' : 'expression'
  if (last === 'then' || last === 'else') return 'expression'
  return typeof last === 'string' && last in OBJECT_KEYS ? last : 'spec'
}

const EXAMPLES: Record<string, string> = {
  id: 'kobo-rapport-rc',
  version: '1',
  description: 'Rapport mensuel RC (Kobo) → RC_MENSUEL',
  source: '{ kind: kobo }',
  kind: 'kobo',
  identity: '{ key: [_id] }',
  key: '[_id]',
  target: '{ kind: dataValueSet, dataSet: RC_MENSUEL }',
  dataSet: 'RC_MENSUEL',
  orgUnit: '{ field: identification/rc_code }',
  period: '{ field: identification/mois }',
  field: 'vih/sens_m_moins15',
  dataElement: 'RC_VIH_SENS',
  values: '[ { dataElement: RC_VAD, field: general/vad } ]',
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'list'
  return typeof value === 'object' ? 'object' : typeof value
}

type Issue = z.core.$ZodIssue

function describeIssue(issue: Issue, raw: unknown, locate: LoadedSpec['locate']): SpecError[] {
  const path = issue.path as (string | number)[]
  const last = path.at(-1)
  const name = typeof last === 'string' ? last : formatPath(path)
  const at = (p: SpecPath, key = false) => {
    const pos = locate(p, key)
    return { path: formatPath(p), line: pos?.line, column: pos?.column }
  }
  const error = (message: Bilingual, hint?: Bilingual, p: SpecPath = path, key = false): SpecError => ({
    code: 'SPEC_FORMAT',
    ...at(p, key),
    message,
    ...(hint ? { hint } : {}),
  })
  const example = typeof last === 'string' ? EXAMPLES[last] : undefined

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = OBJECT_KEYS[objectKind(path)] ?? []
      return issue.keys.map((key) => {
        const guess = closest(key, allowed)
        const list = allowed.map((k) => `\`${k}\``).join(', ')
        return error(
          { en: `unknown key \`${key}\``, fr: `clé inconnue \`${key}\`` },
          guess ?? { en: `remove it; this place takes ${list}`, fr: `supprimez-la ; cet endroit accepte ${list}` },
          [...path, key],
          true,
        )
      })
    }
    case 'invalid_type': {
      const value = valueAt(raw, path)
      if (value === undefined) {
        const write = example ? `${name}: ${example}` : `${name}: …`
        return [
          error(
            { en: `\`${name}\` is missing`, fr: `\`${name}\` manque` },
            { en: `add \`${write}\``, fr: `ajoutez \`${write}\`` },
          ),
        ]
      }
      const expected = issue.expected
      return [
        error(
          {
            en: `\`${name}\` must be a ${expected}, not a ${typeName(value)}`,
            fr: `\`${name}\` doit être de type ${expected}, pas ${typeName(value)}`,
          },
          example
            ? { en: `write for example \`${name}: ${example}\``, fr: `écrivez par exemple \`${name}: ${example}\`` }
            : undefined,
        ),
      ]
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => `\`${String(v)}\``).join(', ')
      return [
        error(
          {
            en: `\`${String(valueAt(raw, path))}\` is not allowed for \`${name}\``,
            fr: `\`${String(valueAt(raw, path))}\` n’est pas permis pour \`${name}\``,
          },
          { en: `write one of ${options}`, fr: `écrivez l’une des valeurs ${options}` },
        ),
      ]
    }
    case 'invalid_union': {
      if (last === 'target' || path.includes('target')) {
        return [
          error(
            { en: 'unknown target kind', fr: 'type de cible inconnu' },
            {
              en: 'write `kind: dataValueSet` (tracker events are not supported yet)',
              fr: 'écrivez `kind: dataValueSet` (les événements tracker ne sont pas encore pris en charge)',
            },
          ),
        ]
      }
      if (last === 'validationRules') {
        return [
          error(
            { en: '`validationRules` is not valid', fr: '`validationRules` n’est pas valide' },
            {
              en: 'write `all`, `none` or a list of rule codes like `[VR_TDR_POS, VR_CTA]`',
              fr: 'écrivez `all`, `none` ou une liste de codes de règles comme `[VR_TDR_POS, VR_CTA]`',
            },
          ),
        ]
      }
      return [
        error(
          { en: `\`${name}\` is not valid`, fr: `\`${name}\` n’est pas valide` },
          {
            en: 'write a text, a number or true/false (or a list of them)',
            fr: 'écrivez un texte, un nombre ou true/false (ou une liste)',
          },
        ),
      ]
    }
    case 'too_small': {
      const isList = Array.isArray(valueAt(raw, path))
      return [
        error(
          isList
            ? {
                en: `\`${name}\` needs at least ${String(issue.minimum)} item(s)`,
                fr: `\`${name}\` doit avoir au moins ${String(issue.minimum)} élément(s)`,
              }
            : { en: `\`${name}\` is too small or empty`, fr: `\`${name}\` est trop petit ou vide` },
          example
            ? { en: `write for example \`${name}: ${example}\``, fr: `écrivez par exemple \`${name}: ${example}\`` }
            : undefined,
        ),
      ]
    }
    default: {
      // custom refinements and formats carry their own sentence, which already says what to write.
      const fr = frenchOf(issue.message)
      return [error({ en: `\`${name}\`: ${issue.message}`, fr: `\`${name}\` : ${fr}` })]
    }
  }
}

/** French for the refinement messages of schema.ts. */
const FRENCH_CUSTOM: Record<string, string> = {
  'a condition needs exactly one of `equals` or `blank`': 'une condition prend exactement un de `equals` ou `blank`',
  'an id is lower-case letters, digits and dashes, like `kobo-rapport-rc`':
    'un id s’écrit en minuscules, chiffres et tirets, comme `kobo-rapport-rc`',
}

function frenchOf(message: string): string {
  return (
    FRENCH_CUSTOM[message] ??
    message
      .replace(/^a value needs one of /, 'une valeur prend un de ')
      .replace(/^a value takes only one of /, 'une valeur ne prend qu’un seul de ')
  )
}
