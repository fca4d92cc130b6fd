// A help desk ticket is a DHIS2 feedback conversation (a TICKET): DHIS2 keeps no category and no reference, so
// both go in the subject, in a form that reads well in DHIS2's own messaging app and parses back whatever the
// language: « [connexion] Le réseau coupe quand j'envoie (#K7Q2M9) ». The reference is chosen on the phone when
// the RC files the ticket, offline too: sending finds the conversation by it, so a ticket whose answer was lost
// on a bad network is never filed twice. Pure: no i18n, no DHIS2 calls.

export const TICKET_CATEGORIES = ['saisie', 'connexion', 'telephone', 'formation', 'stock', 'autre'] as const

export type TicketCategory = (typeof TICKET_CATEGORIES)[number]

/** How much of the RC's text goes in the subject (DHIS2 keeps 255 characters; a list shows far fewer). */
export const SUBJECT_TEXT_LENGTH = 60

const REF_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** A short reference an RC can read over the phone (no 0/O, 1/I): 32^6 ≈ 10^9 of them. */
export function newTicketRef(random: () => number = Math.random): string {
  let ref = ''
  for (let i = 0; i < 6; i++) ref += REF_ALPHABET[Math.floor(random() * REF_ALPHABET.length)]
  return ref
}

/** The text's first words, on one line, cut at a word when it is long. */
export function subjectText(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  if (line.length <= SUBJECT_TEXT_LENGTH) return line
  const cut = line.slice(0, SUBJECT_TEXT_LENGTH)
  const space = cut.lastIndexOf(' ')
  return `${(space > SUBJECT_TEXT_LENGTH / 2 ? cut.slice(0, space) : cut).trim()}…`
}

export function ticketSubject(category: TicketCategory, text: string, ref: string): string {
  return `[${category}] ${subjectText(text)} (#${ref})`
}

/** What the search for a ticket's conversation looks for in subjects. */
export const refMark = (ref: string): string => `(#${ref})`

export interface ParsedSubject {
  /** `autre` for a feedback sent from elsewhere (DHIS2's messaging app) without a known category. */
  category: TicketCategory
  title: string
  ref?: string
  /** False for a feedback that did not come from Relais. */
  fromRelais: boolean
}

const SUBJECT = /^\s*\[([a-z]+)\]\s*(.*?)\s*(?:\(#([A-Z0-9]{6})\))?\s*$/s

export function parseTicketSubject(subject: string): ParsedSubject {
  const match = SUBJECT.exec(subject)
  const category = match?.[1] as TicketCategory | undefined
  if (!match || !category || !TICKET_CATEGORIES.includes(category))
    return { category: 'autre', title: subject.trim(), fromRelais: false }
  return { category, title: match[2] ?? '', ...(match[3] ? { ref: match[3] } : {}), fromRelais: true }
}
