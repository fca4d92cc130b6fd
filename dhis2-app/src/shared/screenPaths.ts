import type { RelaisScreen } from '../roles/roles'

/** The route of each screen (HashRouter: `#/saisie`…). */
export const SCREEN_PATHS: Readonly<Record<RelaisScreen, string>> = {
  saisie: '/saisie',
  resultats: '/mes-resultats',
  'recherche-pdv': '/recherche-pdv',
  'tableau-de-bord': '/tableau-de-bord',
  synchronisation: '/synchronisation',
  rappels: '/rappels',
  aide: '/aide',
  qualite: '/qualite',
  bulletin: '/bulletin',
  securite: '/securite',
  exploitation: '/exploitation',
}
