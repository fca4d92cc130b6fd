/**
 * The reminders' French templates and their placeholders (issue 15 §1). Pure and free of zod: the app imports
 * this module as it is, to preview a message while a data manager types it.
 */

/** Placeholders a template may use; anything else in braces is refused, so a typo is seen when saving. */
export const PLACEHOLDERS = ['nom', 'mois', 'date_limite', 'rc', 'jours_restants'] as const

/**
 * The French template each audience starts with in the app. Straight apostrophes: a typographic one is outside
 * GSM 03.38 and would make every SMS take 70 characters instead of 160.
 */
export const DEFAULT_TEMPLATES: Record<'missing' | 'refused' | 'supervisors', string> = {
  missing:
    "Bonjour {nom}, votre rapport de {mois} n'est pas encore complet. Merci de le compléter avant le {date_limite}.",
  refused:
    'Bonjour {nom}, des valeurs de votre rapport de {mois} ont été refusées. Merci de les corriger avant le {date_limite}.',
  supervisors: 'Bonjour {nom}, le rapport de {mois} de {rc} manque encore. Date limite : {date_limite}.',
}

/** The message with its placeholders filled. */
export function renderTemplate(text: string, values: Partial<Record<(typeof PLACEHOLDERS)[number], string>>): string {
  return text.replace(/\{([^}]*)\}/g, (whole, name: string) => values[name as keyof typeof values] ?? whole)
}

/** The names in braces a template uses that are not placeholders (a typo: `{name}` for `{nom}`). */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(/\{([^}]*)\}/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name))
}
