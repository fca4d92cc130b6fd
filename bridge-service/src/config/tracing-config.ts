/**
 * `tracing:` in relais.config.yaml (issue 19 §3): the HIV care sites whose lists of patients lost to follow-up
 * become tracing tasks for the RC. As everywhere in this file, secrets are named by environment variable, never
 * written: `secretEnv` signs the lists the site sends, `outcomesSecretEnv` the outcomes the bridge sends back.
 *
 * ```yaml
 * tracing:
 *   program: RC_PDV_RECHERCHE        # the event program's code in DHIS2 (default)
 *   pollSeconds: 60                  # how often the outcomes RC recorded are read from DHIS2 (default)
 *   sites:
 *     - code: SITE-CNHU              # the site's code: in the URL, in DHIS2's RC_PDV_SITE, in the audit
 *       name: CNHU Cotonou — centre de traitement ambulatoire
 *       format: csv                  # csv | fhir: what the site sends, and what it gets back
 *       secretEnv: SITE_CNHU_SECRET
 *       outcomesUrl: https://dossiers.cnhu.example.bj/relais/resultats
 *       outcomesSecretEnv: SITE_CNHU_OUTCOMES_SECRET
 * ```
 */
import { z } from 'zod'
import { acceptableUrl } from './outbound-config'

const envName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'must be the NAME of an environment variable (capitals, digits, _), not a secret itself')

export const tracingSiteSchema = z.object({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,30}$/, 'must be 2–31 capitals, digits or dashes, e.g. SITE-CNHU'),
  name: z.string().min(1).max(200),
  format: z.enum(['csv', 'fhir']).default('csv'),
  secretEnv: envName,
  outcomesUrl: z
    .string()
    .refine(acceptableUrl, 'must be an https:// URL without credentials (http:// only for localhost)'),
  outcomesSecretEnv: envName,
  enabled: z.boolean().default(true),
})

export const tracingSchema = z
  .object({
    program: z.string().min(1).default('RC_PDV_RECHERCHE'),
    /** How often DHIS2 is asked for the outcomes RC recorded, in seconds (default 60). */
    pollSeconds: z.number().int().min(1).max(3600).default(60),
    sites: z.array(tracingSiteSchema).min(1, 'must list at least one site'),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>()
    t.sites.forEach((s, i) => {
      if (seen.has(s.code))
        ctx.addIssue({ code: 'custom', path: ['sites', i, 'code'], message: `"${s.code}" is used twice` })
      seen.add(s.code)
    })
  })
  .optional()

export type TracingConfig = NonNullable<z.infer<typeof tracingSchema>>
export type TracingSite = z.infer<typeof tracingSiteSchema>

/** At least this many characters in each site secret (openssl rand -hex 32 gives 64). */
const MIN_SECRET = 32

/** Problems with the sites' secrets in `env` (unset, short, shared): never the secret itself. */
export function tracingSecretProblems(tracing: TracingConfig | undefined, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = []
  const seen = new Map<string, string>()
  for (const site of tracing?.sites ?? []) {
    if (!site.enabled) continue
    for (const variable of [site.secretEnv, site.outcomesSecretEnv]) {
      const value = env[variable]?.trim() ?? ''
      if (value === '') {
        problems.push(`tracing site "${site.code}" needs the environment variable ${variable}, which is not set`)
        continue
      }
      for (const secret of value.split(',').map((v) => v.trim())) {
        if (secret.length < MIN_SECRET)
          problems.push(
            `tracing site "${site.code}": its secret ${variable} has ${secret.length} characters; at least ${MIN_SECRET} are needed (openssl rand -hex 32)`,
          )
        const other = seen.get(secret)
        if (other !== undefined && other !== `${site.code}/${variable}`)
          problems.push(`tracing site "${site.code}": ${variable} is the same secret as ${other}: give each its own`)
        seen.set(secret, `${site.code}/${variable}`)
      }
    }
  }
  return problems
}
