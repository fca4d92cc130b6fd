// A source's cron schedule in words (« toutes les 30 minutes », « chaque jour à 6 h »): the usual shapes of
// relais.config.yaml; anything else is shown as written. Pure apart from i18n.
import i18n from '@dhis2/d2-i18n'

const at = (hour: string, minute: string) =>
  minute === '0'
    ? i18n.t('{{hour}} h', { hour })
    : i18n.t('{{hour}} h {{minute}}', { hour, minute: minute.padStart(2, '0') })

const DAYS = () => [
  i18n.t('Sunday'),
  i18n.t('Monday'),
  i18n.t('Tuesday'),
  i18n.t('Wednesday'),
  i18n.t('Thursday'),
  i18n.t('Friday'),
  i18n.t('Saturday'),
]

const NUMBER = /^\d{1,2}$/

export function scheduleInWords(cron: string): string {
  const fields = cron.trim().split(/\s+/)
  if (fields.length !== 5) return cron
  const [minute = '', hour = '', day = '', month = '', weekday = ''] = fields
  if (month !== '*') return cron
  const everyMinutes = /^\*\/(\d{1,2})$/.exec(minute)
  if (everyMinutes && hour === '*' && day === '*' && weekday === '*')
    return i18n.t('every {{count}} minutes', { count: Number(everyMinutes[1]) })
  const everyHours = /^\*\/(\d{1,2})$/.exec(hour)
  if (NUMBER.test(minute) && everyHours && day === '*' && weekday === '*')
    return i18n.t('every {{count}} hours', { count: Number(everyHours[1]) })
  if (NUMBER.test(minute) && hour === '*' && day === '*' && weekday === '*')
    return i18n.t('every hour at minute {{minute}}', { minute })
  if (!NUMBER.test(minute) || !NUMBER.test(hour)) return cron
  const time = at(String(Number(hour)), String(Number(minute)))
  if (day === '*' && weekday === '*') return i18n.t('every day at {{time}}', { time })
  if (day === '*' && /^[0-6]$/.test(weekday))
    return i18n.t('every {{day}} at {{time}}', { day: DAYS()[Number(weekday)], time })
  if (NUMBER.test(day) && weekday === '*') return i18n.t('on day {{day}} of each month at {{time}}', { day, time })
  return cron
}
