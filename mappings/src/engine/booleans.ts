/**
 * Yes/no answers as the sources write them (oui/non, Oui/NON, yes/no, 1/0, a checkbox `x`, vrai/faux)
 * → DHIS2's `true`/`false`. Compared after folding (case, spaces, accents); anything else is returned as
 * it came, so that the shared data-value rules reject it with DHIS2's value_not_bool.
 */
import { fold } from './text'

const TRUE = new Set(['oui', 'o', 'yes', 'y', 'vrai', 'true', 't', '1', 'x'])
const FALSE = new Set(['non', 'n', 'no', 'faux', 'false', 'f', '0'])

export type BooleanReading = 'true' | 'false' | undefined

export function readBoolean(text: string): BooleanReading {
  // Fast path for the exact spellings sources send most.
  if (text === 'oui' || text === 'true' || text === '1') return 'true'
  if (text === 'non' || text === 'false' || text === '0') return 'false'
  const folded = fold(text)
  if (TRUE.has(folded)) return 'true'
  if (FALSE.has(folded)) return 'false'
  return undefined
}
