/**
 * Realistic monthly RC report submissions (shared/domain/sources.md §1): the JSON a partner NGO's form
 * sends to KoboToolbox, with group prefixes, every value a string, some questions left unanswered.
 * Deterministic for a given seed, so tests can state exact expectations.
 */
import type { Answers } from './store'

const DEPARTEMENTS = ['AL', 'AK', 'AQ', 'BO', 'CO', 'KO', 'DO', 'LI', 'MO', 'OU', 'PL', 'ZO'] as const
const DIFFICULTES = [
  'Pas de TDR depuis le 20',
  'Rupture de préservatifs à Ouémé',
  'Pluies : piste coupée vers Zè-Centre',
  'Causerie reportée (funérailles)',
]

/** mulberry32: small, fast, good enough for fixtures. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `RC-<dep>-<nnnnn>`, e.g. rcCode(42) = `RC-AQ-00042`, rcCode(7, 'OU') = `RC-OU-00007`. */
export function rcCode(n: number, departement: string = 'AQ'): string {
  return `RC-${departement}-${String(n).padStart(5, '0')}`
}

export interface RcSubmissionOptions {
  rcCode?: string
  /** `YYYY-MM`, default 2026-09. */
  mois?: string
  /** Probability that an optional question is left unanswered (absent key). Default 0.1. */
  unanswered?: number
}

export function rcSubmission(random: () => number, options: RcSubmissionOptions = {}): Answers {
  const int = (max: number) => String(Math.floor(random() * (max + 1)))
  const departement = DEPARTEMENTS[Math.floor(random() * DEPARTEMENTS.length)] ?? 'AQ'
  const tdr = Math.floor(random() * 20)
  const tdrPos = Math.floor(random() * (tdr + 1))
  const recherches = Math.floor(random() * 6)
  const answers: Answers = {
    'identification/rc_code': options.rcCode ?? rcCode(1 + Math.floor(random() * 1200), departement),
    'identification/mois': options.mois ?? '2026-09',
    'vih/sens_m_moins15': int(5),
    'vih/sens_m_15_24': int(15),
    'vih/sens_m_25plus': int(10),
    'vih/sens_f_moins15': int(5),
    'vih/sens_f_15_24': int(20),
    'vih/sens_f_25plus': int(12),
    'vih/preservatifs_m': int(200),
    'vih/preservatifs_f': int(40),
    'vih/autotest_m': int(5),
    'vih/autotest_f': int(8),
    'vih/ref_depist_m': int(3),
    'vih/ref_depist_f': int(4),
    'vih/pdv_recherches': String(recherches),
    'vih/pdv_retrouves': String(Math.floor(random() * (recherches + 1))),
    'tb/presumes_m': int(2),
    'tb/presumes_f': int(2),
    'tb/suivi_dot': int(2),
    'palu/fievre_m': int(10),
    'palu/fievre_f': int(10),
    'palu/tdr': String(tdr),
    'palu/tdr_pos': String(tdrPos),
    'palu/cta_24h': String(Math.floor(random() * (tdrPos + 1))),
    'palu/ref_grave': int(2),
    'palu/milda': int(3),
    'general/vad': int(30),
    'general/causeries': int(5),
    'general/rupture': random() < 0.2 ? 'oui' : 'non',
    'general/difficultes': DIFFICULTES[Math.floor(random() * DIFFICULTES.length)],
  }
  // Optional questions a volunteer may skip: Kobo then leaves the key out entirely.
  const skip = options.unanswered ?? 0.1
  for (const key of ['general/difficultes', 'tb/suivi_dot', 'palu/milda']) if (random() < skip) delete answers[key]
  return answers
}

/** `count` submissions with RC codes RC-AQ-00001, RC-AQ-00002, … for one month. */
export function rcSubmissions(count: number, seed = 1, mois = '2026-09'): Answers[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, (_, i) => rcSubmission(random, { rcCode: rcCode(i + 1), mois }))
}
