/**
 * `relais secrets rotate` (issue 16 §4): where each secret of the bridge stands and the next step of its rotation,
 * for an operator who does not remember the procedure (docker/README.md, "Rotating secrets"). Pure: the
 * environment's secrets, the ledger's folded view and the clock in, lines in French and English out.
 */
import type { ApiKey } from '../config/env'
import type { SecretsView } from '../api/ledger-secrets'

export interface RotationFacts {
  /** Today, UTC, YYYY-MM-DD. */
  today: string
  /** RELAIS_ROUTE_SECRET: its hashes in order (`current,next` during a rotation). */
  routeSecrets: readonly string[]
  /** When the ledger last accepted a new route secret, if it still does. */
  routeAddedAt?: string
  view: SecretsView
  envKeys: readonly ApiKey[]
  /** Each webhook source: its variable and how many values it holds. */
  webhooks: ReadonlyArray<{ source: string; env: string; values: number }>
  /** Days before a key's last day from which the daily check warns (the same figure here). */
  warnDays: number
}

export interface GuideItem {
  secret: string
  state: { fr: string; en: string }
  /** The next commands or steps; empty when nothing is due. */
  next: Array<{ fr: string; en: string }>
}

const DAY = 86_400_000
const daysUntil = (day: string, today: string) =>
  Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY)

function routeItem(facts: RotationFacts): GuideItem {
  const secret = 'RELAIS_ROUTE_SECRET'
  const [current, next] = facts.routeSecrets
  const stillAccepted = (hash: string | undefined) => hash !== undefined && !facts.view.routeRevoked.has(hash)
  if (next !== undefined && stillAccepted(current))
    return {
      secret,
      state: {
        fr: 'rotation ouverte dans l’environnement : l’ancien et le nouveau secret sont acceptés',
        en: 'rotation open in the environment: both the old and the new secret are accepted',
      },
      next: [
        {
          fr: 'vérifier que la route de DHIS2 envoie le nouveau : relais doctor',
          en: "check that DHIS2's route sends the new one: relais doctor",
        },
        {
          fr: 'refuser l’ancien : relais secrets route retire (avec RELAIS_ROUTE_SECRET=<ancien>,<nouveau>)',
          en: 'refuse the old one: relais secrets route retire (with RELAIS_ROUTE_SECRET=<old>,<new>)',
        },
        {
          fr: 'puis ne garder que RELAIS_ROUTE_SECRET=<nouveau> pour le prochain démarrage',
          en: 'then keep only RELAIS_ROUTE_SECRET=<new> for the next start',
        },
      ],
    }
  if (facts.view.routeAccepted.size > 0 && stillAccepted(current))
    return {
      secret,
      state: {
        fr: `rotation ouverte depuis le ${facts.routeAddedAt ?? '?'} : un nouveau secret est accepté en plus de l’actuel`,
        en: `rotation open since ${facts.routeAddedAt ?? '?'}: a new secret is accepted besides the current one`,
      },
      next: [
        {
          fr: 'le mettre dans la route de DHIS2 : RELAIS_ROUTE_SECRET=<actuel>,<nouveau> relais setup --no-app',
          en: "put it in DHIS2's route: RELAIS_ROUTE_SECRET=<current>,<new> relais setup --no-app",
        },
        {
          fr: 'refuser l’ancien : RELAIS_ROUTE_SECRET=<actuel>,<nouveau> relais secrets route retire',
          en: 'refuse the old one: RELAIS_ROUTE_SECRET=<current>,<new> relais secrets route retire',
        },
      ],
    }
  return {
    secret,
    state: { fr: 'aucune rotation en cours', en: 'no rotation open' },
    next: [
      {
        fr: 'pour en commencer une : relais secrets route add (le nouveau secret s’affiche une fois)',
        en: 'to start one: relais secrets route add (the new secret is shown once)',
      },
    ],
  }
}

function keyItem(
  facts: RotationFacts,
  key: { name: string; role: string; expires?: string },
  where: { fr: string; en: string },
): GuideItem {
  const successor = {
    fr: `ajouter son successeur : relais secrets api-key add ${key.name}-2 --role ${key.role} --expires <AAAA-MM-JJ>, y passer le client, puis relais secrets api-key revoke ${key.name}`,
    en: `add its successor: relais secrets api-key add ${key.name}-2 --role ${key.role} --expires <YYYY-MM-DD>, move the client to it, then relais secrets api-key revoke ${key.name}`,
  }
  const secret = `api-key ${key.name} (${key.role})`
  const state = (fr: string, en: string) => ({ fr: `${where.fr}, ${fr}`, en: `${where.en}, ${en}` })
  if (!key.expires)
    return {
      secret,
      state: state('sans date de fin', 'no last day'),
      next: [successor],
    }
  const days = daysUntil(key.expires, facts.today)
  if (days < 0)
    return {
      secret,
      state: state(`expirée le ${key.expires} (refusée)`, `expired on ${key.expires} (refused)`),
      next: [
        {
          fr: `la retirer : relais secrets api-key revoke ${key.name}`,
          en: `remove it: relais secrets api-key revoke ${key.name}`,
        },
      ],
    }
  return {
    secret,
    state: state(`valable jusqu’au ${key.expires} (${days} j)`, `valid until ${key.expires} (${days} days)`),
    next: days <= facts.warnDays ? [successor] : [],
  }
}

function webhookItem(hook: RotationFacts['webhooks'][number]): GuideItem {
  const secret = `webhook ${hook.source} (${hook.env})`
  if (hook.values >= 2)
    return {
      secret,
      state: {
        fr: 'rotation ouverte : l’ancien et le nouveau secret sont acceptés',
        en: 'rotation open: both the old and the new secret are accepted',
      },
      next: [
        {
          fr: `une fois l’expéditeur passé au nouveau, ne garder que lui dans ${hook.env} et redémarrer le pont`,
          en: `once the sender uses the new one, keep only it in ${hook.env} and restart the bridge`,
        },
      ],
    }
  return {
    secret,
    state: { fr: 'un seul secret', en: 'one secret' },
    next: [
      {
        fr: `pour le changer : ${hook.env}=<ancien>,<nouveau> (openssl rand -hex 32), redémarrer, passer l’expéditeur au nouveau`,
        en: `to change it: ${hook.env}=<old>,<new> (openssl rand -hex 32), restart, move the sender to the new one`,
      },
    ],
  }
}

export function rotationGuide(facts: RotationFacts): GuideItem[] {
  const revoked = facts.view.apiKeysRevoked
  const keys: GuideItem[] = [
    ...facts.envKeys
      .filter((k) => !revoked.has(k.name))
      .map((k) => keyItem(facts, k, { fr: 'environnement', en: 'environment' })),
    ...[...facts.view.apiKeys.values()].map((k) => keyItem(facts, k, { fr: 'registre', en: 'ledger' })),
  ]
  return [
    routeItem(facts),
    ...keys,
    ...facts.webhooks.map(webhookItem),
    {
      secret: 'DHIS2_TOKEN',
      state: {
        fr: 'relais doctor et le contrôle quotidien avertissent 30 jours avant son expiration',
        en: 'relais doctor and the daily check warn 30 days before it expires',
      },
      next: [],
    },
  ]
}
