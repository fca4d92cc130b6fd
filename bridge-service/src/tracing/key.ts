/**
 * RELAIS_PSEUDONYM_KEY as the tracing of patients lost to follow-up needs it (issue 19 §3). The environment check
 * (config/env.ts) already refuses a missing, short or placeholder key when the bridge starts; tracing holds
 * patients' identities, so it checks again where it is built (a pipeline made by a test or a script may be given
 * anything) and also refuses a key with little variety in it ("aaaa…", "0123…0123"), which env.ts lets through.
 * Messages in French and English: an administrator reads them in the log or the CLI.
 */
export const MIN_TRACING_KEY_LENGTH = 32
/** A hex key from `openssl rand -hex 32` has 16 distinct characters; a typed sentence has more. */
const MIN_DISTINCT_CHARACTERS = 10

export class TracingKeyError extends Error {
  override readonly name = 'TracingKeyError'
}

/** The key, checked; throws TracingKeyError (French, then English) when tracing must not start with it. */
export function requireTracingKey(key: string | undefined): string {
  const value = key?.trim() ?? ''
  const fix = 'openssl rand -hex 32'
  if (value === '')
    throw new TracingKeyError(
      `La recherche des perdus de vue ne démarre pas : RELAIS_PSEUDONYM_KEY n'est pas définie (générez-la avec \`${fix}\` et conservez-la). ` +
        `LTFU tracing does not start: RELAIS_PSEUDONYM_KEY is not set (generate it with \`${fix}\` and keep it).`,
    )
  if (
    /change-?me/i.test(value) ||
    value.length < MIN_TRACING_KEY_LENGTH ||
    new Set(value).size < MIN_DISTINCT_CHARACTERS
  )
    throw new TracingKeyError(
      `La recherche des perdus de vue ne démarre pas : RELAIS_PSEUDONYM_KEY est trop faible (au moins ${MIN_TRACING_KEY_LENGTH} caractères variés ; générez-la avec \`${fix}\`). ` +
        `LTFU tracing does not start: RELAIS_PSEUDONYM_KEY is too weak (at least ${MIN_TRACING_KEY_LENGTH} varied characters; generate it with \`${fix}\`).`,
    )
  return value
}
