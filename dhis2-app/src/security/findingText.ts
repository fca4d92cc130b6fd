// One sentence per finding of the daily security check (bridge-service/src/security/findings.ts), in the user's
// language, from the finding's `detail` (days, authorities, group, role, access, expected…).
import i18n from '@dhis2/d2-i18n'
import type { FindingCode, SecurityFinding, Severity } from '../shared/bridge/security'

type Detail = SecurityFinding['detail']

const num = (detail: Detail, key: string): number | undefined =>
  typeof detail[key] === 'number' ? (detail[key] as number) : undefined
const text = (detail: Detail, key: string): string => {
  const value = detail[key]
  if (Array.isArray(value)) return value.join(', ')
  return value === null || value === undefined ? '' : String(value)
}

export function severityLabel(severity: Severity): string {
  switch (severity) {
    case 'critical':
      return i18n.t('Critical')
    case 'high':
      return i18n.t('High')
    case 'medium':
      return i18n.t('Medium')
    case 'low':
      return i18n.t('Low')
  }
}

/** What kind of finding it is, in a few words (a column of the evidence pack, the filter of a list). */
export function findingTitle(code: FindingCode): string {
  switch (code) {
    case 'password-expired':
      return i18n.t('Password expired')
    case 'password-expiring':
      return i18n.t('Password about to expire')
    case 'account-never-used':
      return i18n.t('Account never used')
    case 'account-dormant':
      return i18n.t('Dormant account')
    case 'privileged-without-two-factor':
      return i18n.t('Privileged account without two-factor authentication')
    case 'two-factor-unknown':
      return i18n.t('Two-factor authentication not visible')
    case 'superuser-not-agreed':
      return i18n.t('Superuser not agreed')
    case 'group-without-role':
      return i18n.t('Relais group without its role')
    case 'role-without-group':
      return i18n.t('Relais role without its group')
    case 'public-metadata-write':
      return i18n.t('Metadata editable by everyone')
    case 'public-data-write':
      return i18n.t('Data writable by everyone')
    case 'data-write-beyond-policy':
      return i18n.t('Data writable beyond the policy')
    case 'token-expired':
      return i18n.t('Access token expired')
    case 'token-expiring':
      return i18n.t('Access token about to expire')
    case 'token-without-expiry':
      return i18n.t('Access token without expiry')
    case 'setting-weak':
      return i18n.t('Weak security setting')
    case 'route-unencrypted':
      return i18n.t('Route to the bridge not encrypted')
    case 'api-key-expired':
      return i18n.t('Bridge API key expired')
    case 'api-key-expiring':
      return i18n.t('Bridge API key about to expire')
    case 'api-key-without-expiry':
      return i18n.t('Bridge API key without expiry')
    case 'route-secret-rotation-open':
      return i18n.t('Route secret rotation not finished')
  }
}

/** The finding said as a sentence about its subject. */
export function findingSentence(finding: SecurityFinding): string {
  const { detail } = finding
  const name = finding.subject.name
  switch (finding.code) {
    case 'password-expired':
      return i18n.t('{{name}} has not changed their password for {{days}} days; it has expired.', {
        interpolation: { escapeValue: false },
        name,
        days: num(detail, 'days') ?? '?',
      })
    case 'password-expiring':
      return i18n.t('The password of {{name}} expires in {{daysLeft}} days (changed {{days}} days ago).', {
        interpolation: { escapeValue: false },
        name,
        daysLeft: num(detail, 'daysLeft') ?? '?',
        days: num(detail, 'days') ?? '?',
      })
    case 'account-never-used': {
      const created = num(detail, 'createdDaysAgo')
      return created === undefined
        ? i18n.t('{{name}} has never signed in.', { interpolation: { escapeValue: false }, name })
        : i18n.t('{{name}} has never signed in since the account was created {{days}} days ago.', {
            interpolation: { escapeValue: false },
            name,
            days: created,
          })
    }
    case 'account-dormant':
      return i18n.t('{{name}} has not signed in for {{days}} days.', {
        interpolation: { escapeValue: false },
        name,
        days: num(detail, 'days') ?? '?',
      })
    case 'privileged-without-two-factor':
      return i18n.t('{{name}} holds {{authorities}} without two-factor authentication.', {
        interpolation: { escapeValue: false },
        name,
        authorities: text(detail, 'authorities'),
      })
    case 'two-factor-unknown':
      return i18n.t(
        'DHIS2 {{version}} does not show whether users have two-factor authentication, so it could not be checked.',
        { interpolation: { escapeValue: false }, version: text(detail, 'version') },
      )
    case 'superuser-not-agreed':
      return i18n.t('{{name}} is a DHIS2 superuser (ALL) but is not among the agreed superusers ({{agreed}}).', {
        interpolation: { escapeValue: false },
        name,
        agreed: text(detail, 'agreed') || i18n.t('none'),
      })
    case 'group-without-role':
      return i18n.t('{{name}} is in the group {{group}} without the role {{role}}.', {
        interpolation: { escapeValue: false },
        name,
        group: text(detail, 'group'),
        role: text(detail, 'role'),
      })
    case 'role-without-group':
      return i18n.t('{{name}} has the role {{role}} without being in the group {{group}}.', {
        interpolation: { escapeValue: false },
        name,
        group: text(detail, 'group'),
        role: text(detail, 'role'),
      })
    case 'public-metadata-write':
      return i18n.t('Everyone can edit {{name}} (public access {{access}}).', {
        interpolation: { escapeValue: false },
        name,
        access: text(detail, 'access'),
      })
    case 'public-data-write':
      return i18n.t('Everyone can enter data in {{name}} (public access {{access}}).', {
        interpolation: { escapeValue: false },
        name,
        access: text(detail, 'access'),
      })
    case 'data-write-beyond-policy':
      return i18n.t('{{groups}} can enter data in {{name}}; the policy allows only {{allowed}}.', {
        interpolation: { escapeValue: false },
        name,
        groups: text(detail, 'groups'),
        allowed: text(detail, 'allowed'),
      })
    case 'token-expired':
      return i18n.t('The access token {{name}} expired {{days}} days ago.', {
        interpolation: { escapeValue: false },
        name,
        days: Math.abs(num(detail, 'daysLeft') ?? 0),
      })
    case 'token-expiring':
      return i18n.t('The access token {{name}} expires in {{daysLeft}} days.', {
        interpolation: { escapeValue: false },
        name,
        daysLeft: num(detail, 'daysLeft') ?? '?',
      })
    case 'token-without-expiry':
      return i18n.t('The access token {{name}} never expires.', { interpolation: { escapeValue: false }, name })
    case 'setting-weak': {
      const value = text(detail, 'value')
      const expected = text(detail, 'expected')
      return value
        ? i18n.t('The DHIS2 setting {{name}} is {{value}}; {{expected}} is recommended.', {
            interpolation: { escapeValue: false },
            name,
            value,
            expected,
          })
        : i18n.t('The DHIS2 setting {{name}} is not set; {{expected}} is recommended.', {
            interpolation: { escapeValue: false },
            name,
            expected,
          })
    }
    case 'route-unencrypted':
      return i18n.t(
        'The route {{name}} reaches the bridge at {{host}} over plain HTTP, so its secret crosses the network unencrypted.',
        { interpolation: { escapeValue: false }, name, host: text(detail, 'host') },
      )
    case 'api-key-expired':
      return i18n.t('The bridge API key {{name}} expired on {{expires}}.', {
        interpolation: { escapeValue: false },
        name,
        expires: text(detail, 'expires'),
      })
    case 'api-key-expiring':
      return i18n.t('The bridge API key {{name}} expires in {{daysLeft}} days ({{expires}}).', {
        interpolation: { escapeValue: false },
        name,
        daysLeft: num(detail, 'daysLeft') ?? '?',
        expires: text(detail, 'expires'),
      })
    case 'api-key-without-expiry':
      return i18n.t('The bridge API key {{name}} has no expiry date.', { interpolation: { escapeValue: false }, name })
    case 'route-secret-rotation-open':
      return i18n.t(
        'The bridge still accepts the previous route secret; finish the rotation by removing the old secret.',
      )
  }
}
