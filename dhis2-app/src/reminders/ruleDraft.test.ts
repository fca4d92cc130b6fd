import { nextReminderMonth } from './sample'
import { draftOf, newDraft, parseDays, previewOf, ruleOf, smsParts } from './ruleDraft'

describe('rule drafts', () => {
  it('reads days however they are typed, refuses what is not a day', () => {
    expect(parseDays('1, 3 et 5')).toEqual([1, 3, 5])
    expect(parseDays('5;1;3;3')).toEqual([1, 3, 5])
    expect(parseDays('0, 3')).toBeUndefined()
    expect(parseDays('29')).toBeUndefined()
    expect(parseDays('')).toBeUndefined()
  })

  it('turns a good draft into the rule the bridge takes, and back', () => {
    const draft = { ...newDraft('missing', []), name: ' Rapport manquant ' }
    const result = ruleOf(draft)
    expect(result).toEqual({
      rule: {
        id: 'regle-1',
        name: 'Rapport manquant',
        enabled: true,
        audience: 'missing',
        days: [1, 3, 5],
        channels: ['message', 'sms'],
        template: draft.template,
        escalateAfter: 2,
        quietHours: { from: '19:00', to: '08:00' },
        holdoutPercent: 10,
      },
    })
    if ('rule' in result) expect(draftOf(result.rule)).toEqual({ ...draft, name: 'Rapport manquant' })
  })

  it('says every problem at once, a mistyped placeholder by name', () => {
    const draft = {
      ...newDraft('missing', ['regle-1']),
      days: '0',
      channels: [],
      template: 'Bonjour {name} ({mois})',
      escalateAfter: '0',
      quietFrom: '25:00',
      holdoutPercent: '60',
    }
    expect(draft.id).toBe('regle-2')
    expect(ruleOf(draft)).toEqual({
      problems: [
        { field: 'name', code: 'required' },
        { field: 'days', code: 'days' },
        { field: 'channels', code: 'required' },
        { field: 'template', code: 'placeholder', names: ['name'] },
        { field: 'escalateAfter', code: 'range' },
        { field: 'quietFrom', code: 'time' },
        { field: 'holdoutPercent', code: 'range' },
      ],
    })
  })

  it('previews the message and counts its SMS', () => {
    const text = previewOf('Bonjour {nom}, rapport de {mois} avant le {date_limite}.', {
      month: 'novembre 2026',
      deadline: '5 décembre 2026',
    })
    expect(text).toBe('Bonjour Afiavi Houénou, rapport de novembre 2026 avant le 5 décembre 2026.')
    expect(smsParts(text)).toEqual({ parts: 1, unicode: false }) // « é » is in GSM 03.38
    expect(smsParts('Merci, reçu').unicode).toBe(true) // « ç » is not
    expect(smsParts('Bonjour, votre rapport')).toEqual({ parts: 1, unicode: false })
    expect(smsParts('x'.repeat(161))).toEqual({ parts: 2, unicode: false })
    expect(smsParts('n’est'.repeat(15))).toEqual({ parts: 2, unicode: true })
  })
})

describe('nextReminderMonth', () => {
  it('previews the month reminders are about now (the one that ended) and its deadline, in French', () => {
    expect(nextReminderMonth(new Date('2026-12-02T10:00:00Z'))).toEqual({
      month: 'novembre 2026',
      deadline: '5 décembre 2026',
    })
    expect(nextReminderMonth(new Date('2027-01-20T10:00:00Z'))).toEqual({
      month: 'décembre 2026',
      deadline: '5 janvier 2027',
    })
  })
})
