/**
 * `hmis:` in relais.config.yaml (issue 19 §2): the national HMIS (a second DHIS2) the programme's zone totals are
 * pushed to. As everywhere in this file, a secret is never written in it: `tokenEnv`, or `usernameEnv` +
 * `passwordEnv`, name the environment variables holding the national account's credentials.
 */
import { z } from 'zod'
import { acceptableUrl } from './outbound-config'

const envName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'must be the NAME of an environment variable (capitals, digits, _), not a secret itself')

export const hmisSchema = z
  .object({
    /** The national DHIS2's base URL (without /api). */
    url: z.string().refine(acceptableUrl, 'must be an https:// URL without credentials (http:// only for localhost)'),
    tokenEnv: envName.optional(),
    usernameEnv: envName.optional(),
    passwordEnv: envName.optional(),
    /** The national mapping spec (relative to this file). */
    mapping: z
      .string()
      .min(1, 'must be the path of the national mapping spec, e.g. ../mappings/specs/hmis/national-hmis.yaml'),
    /** The programme's data set whose elements are read (each element not in the spec is reported unmapped). */
    sourceDataSet: z.string().min(1).default('RC_MENSUEL'),
    /** The org unit level the programme's values are aggregated to (3: zone sanitaire). */
    level: z.number().int().min(1).max(10).default(3),
    /**
     * The day of the month after the reporting deadline on which the previous month is pushed (at 06:15, DHIS2's
     * time zone); 0 turns the monthly push off (on demand only).
     */
    pushDay: z.number().int().min(0).max(28).default(16),
    enabled: z.boolean().default(true),
  })
  .refine((h) => h.tokenEnv !== undefined || (h.usernameEnv !== undefined && h.passwordEnv !== undefined), {
    message: 'needs tokenEnv, or usernameEnv and passwordEnv (the national account)',
  })
  .optional()

export type HmisConfig = NonNullable<z.infer<typeof hmisSchema>>

/** The variables the config names that are not set (checked at start, as the sources' secrets are). */
export function hmisSecretProblems(hmis: HmisConfig | undefined, env: NodeJS.ProcessEnv): string[] {
  if (!hmis || !hmis.enabled) return []
  const names = hmis.tokenEnv ? [hmis.tokenEnv] : [hmis.usernameEnv!, hmis.passwordEnv!]
  return names
    .filter((name) => !env[name]?.trim())
    .map((name) => `hmis needs the environment variable ${name}, which is not set`)
}
