/**
 * The DHIS2 versions Relais supports, and why each floor is where it is. Relais leans on DHIS2's routes
 * (the app reaches the bridge only through `/api/routes/relais-bridge/run`), and routes changed within
 * patch releases (setup-ops §9):
 * - the route carries the bridge's secret as an `api-headers` auth, which DHIS2 never shows back: 2.40.7+,
 *   2.41.4+ (before, only a static header, readable by anyone who can read the route);
 * - the bridge's error answers (401 route-proof refused, 409 …) reach the app as they are: 2.40.10+, 2.41.7+
 *   (before, DHIS2 wraps them in its own message and the app cannot renew its proof or explain the error).
 * 2.42 has both from 2.42.0; it also limits route URLs to dhis.conf `route.remote_servers_allowed`
 * (default `https://*`), which setup explains when it refuses the bridge's URL.
 */

export interface SupportedLine {
  line: string
  fromPatch: number
}

export const SUPPORTED_LINES: readonly SupportedLine[] = [
  { line: '2.40', fromPatch: 10 },
  { line: '2.41', fromPatch: 7 },
  { line: '2.42', fromPatch: 0 },
]

/** « 2.40.10+, 2.41.7+, 2.42 » */
export const SUPPORTED_TEXT = SUPPORTED_LINES.map((l) => (l.fromPatch > 0 ? `${l.line}.${l.fromPatch}+` : l.line)).join(
  ', ',
)

export type VersionVerdict = { supported: true } | { supported: false; reason: { fr: string; en: string } }

export function judgeVersion(version: string): VersionVerdict {
  const m = /^(\d+\.\d+)(?:\.(\d+))?/.exec(version.trim())
  const line = SUPPORTED_LINES.find((l) => l.line === m?.[1])
  if (!m || !line) {
    return {
      supported: false,
      reason: {
        fr: `DHIS2 ${version} n’est pas pris en charge : Relais fonctionne avec DHIS2 ${SUPPORTED_TEXT}.`,
        en: `DHIS2 ${version} is not supported: Relais works with DHIS2 ${SUPPORTED_TEXT}.`,
      },
    }
  }
  const patch = Number(m[2] ?? 0)
  if (patch >= line.fromPatch) return { supported: true }
  const floor = `${line.line}.${line.fromPatch}`
  return {
    supported: false,
    reason: {
      fr:
        `DHIS2 ${version} n’est pas pris en charge : avant ${floor}, la route de DHIS2 ` +
        `${patch < (line.line === '2.40' ? 7 : 4) ? 'ne peut pas garder secret l’en-tête de la passerelle et ' : ''}` +
        `masque les réponses d’erreur de la passerelle. Installez le correctif ${floor} ou plus récent (même version, mise à jour mineure).`,
      en:
        `DHIS2 ${version} is not supported: before ${floor}, DHIS2's route ` +
        `${patch < (line.line === '2.40' ? 7 : 4) ? 'cannot keep the bridge’s header secret and ' : ''}` +
        `hides the bridge's error answers. Install patch ${floor} or later (same version, a minor update).`,
    },
  }
}
