import {
  newTicketRef,
  parseTicketSubject,
  refMark,
  subjectText,
  ticketSubject,
  TICKET_CATEGORIES,
} from './ticketSubject'

describe('ticket subjects', () => {
  it('writes the category and the reference around the first words, and reads them back', () => {
    const subject = ticketSubject('connexion', "Le réseau coupe\nquand j'envoie", 'K7Q2M9')
    expect(subject).toBe("[connexion] Le réseau coupe quand j'envoie (#K7Q2M9)")
    expect(parseTicketSubject(subject)).toEqual({
      category: 'connexion',
      title: "Le réseau coupe quand j'envoie",
      ref: 'K7Q2M9',
      fromRelais: true,
    })
    expect(subject).toContain(refMark('K7Q2M9'))
  })

  it('round-trips every category', () => {
    for (const category of TICKET_CATEGORIES) {
      expect(parseTicketSubject(ticketSubject(category, 'Texte', 'ABCDEF')).category).toBe(category)
    }
  })

  it('cuts a long text at a word, with an ellipsis', () => {
    const long = 'Le formulaire ne montre pas la section paludisme depuis la mise à jour de lundi matin au centre'
    const cut = subjectText(long)
    expect(cut.length).toBeLessThanOrEqual(61)
    expect(cut.endsWith('…')).toBe(true)
    expect(long.startsWith(cut.slice(0, -1))).toBe(true)
  })

  it('reads a feedback sent from elsewhere as « autre », not from Relais', () => {
    expect(parseTicketSubject('Problème de mot de passe')).toEqual({
      category: 'autre',
      title: 'Problème de mot de passe',
      fromRelais: false,
    })
    expect(parseTicketSubject('[urgent] Serveur lent').fromRelais).toBe(false)
  })

  it('makes references of six readable characters (no 0, O, 1, I)', () => {
    let i = 0
    const values = [0, 0.99, 0.5, 0.25, 0.75, 0.1]
    const ref = newTicketRef(() => values[i++ % values.length]!)
    expect(ref).toMatch(/^[A-HJ-NP-Z2-9]{6}$/)
    expect(newTicketRef()).not.toBe(newTicketRef())
  })
})
