/**
 * Text-like checks of DHIS2's ValidationUtils (2.39–2.41): letters, phone numbers, usernames, times,
 * e-mail addresses and URLs. The last two use Apache commons-validator in DHIS2; they are re-created here
 * from its rules, except that the top-level domain is checked for shape only, not against IANA's list
 * (DHIS2 rejects `a@b.notatld`, Relais accepts it).
 */

/** Java regex \s: ASCII whitespace only. */
const JAVA_SPACE = '[ \\t\\n\\v\\f\\r]'

/** One character that Java's Character.isLetter accepts (one UTF-16 unit, any Unicode letter). */
export function isValidLetter(value: string): boolean {
  return value.length === 1 && /^\p{L}$/u.test(value)
}

/** ValidationUtils.GENERIC_PHONE_NUMBER: 6–50 of digits, + ( ) # . / - whitespace and the letters e x t. */
const PHONE_NUMBER = new RegExp(`^(?:[0-9+()#./ext-]|${JAVA_SPACE}){6,50}$`)

export const isPhoneNumber = (value: string) => PHONE_NUMBER.test(value)

/** ValidationUtils.USERNAME_PATTERN: 4–255 of [-_.@a-zA-Z0-9], no leading/trailing/doubled -_.@. */
const USERNAME = /^(?=.{4,255}$)(?![-_.@])(?!.*[-_.@]{2})[-_.@a-zA-Z0-9]+(?<![-_.@])$/

export const isUsername = (value: string) => USERNAME.test(value)

/** ValidationUtils.TIME_OF_DAY_PATTERN: H:mm or HH:mm, 0:00 … 23:59. */
export const isTimeOfDay = (value: string) => /^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$/.test(value)

// E-mail: commons-validator EmailValidator (no local addresses): "<user>@<domain>", split at the last '@'.

const SPECIAL_CHARS = '\\x00-\\x1F\\x7F()<>@,;:\'\\\\".\\[\\]'
const VALID_CHARS = `(?:\\\\.|[^ \\t\\n\\v\\f\\r${SPECIAL_CHARS}])`
const QUOTED_USER = '(?:"(?:\\\\"|[^"])*")'
const WORD = `(?:(?:${VALID_CHARS}|')+|${QUOTED_USER})`
const EMAIL_USER = new RegExp(`^${JAVA_SPACE}*${WORD}(?:\\.${WORD})*$`)
const LINE_TERMINATOR = /[\n\r\u0085\u2028\u2029]/

export function isEmail(value: string): boolean {
  if (value.endsWith('.')) return false
  const at = value.lastIndexOf('@')
  if (at < 1) return false
  const [user, domain] = [value.slice(0, at), value.slice(at + 1)]
  if (LINE_TERMINATOR.test(user) || domain === '' || new RegExp(JAVA_SPACE).test(domain)) return false
  if (user.length > 64 || !EMAIL_USER.test(user)) return false
  const ip = /^\[(.*)\]$/.exec(domain)
  return ip ? isIpAddress(ip[1] ?? '') : isDomainName(domain)
}

// Domain names: commons-validator DomainValidator (labels of letters, digits and inner hyphens, at most
// 63 characters; a top label starting with a letter; 253 characters in all; internationalised names are
// first converted to their ASCII form).

const DOMAIN_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?'
const TOP_LABEL = '[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?'
const DOMAIN_NAME = new RegExp(`^(?:${DOMAIN_LABEL}\\.)+(${TOP_LABEL})\\.?$`)

export function isDomainName(domain: string): boolean {
  const ascii = toAsciiDomain(domain)
  if (ascii === undefined || ascii.length > 253) return false
  const match = DOMAIN_NAME.exec(ascii)
  // Stands in for the IANA list: real TLDs have at least two characters.
  return match !== null && (match[1] ?? '').length >= 2
}

function toAsciiDomain(domain: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7F]*$/.test(domain)) return domain
  try {
    return new URL(`http://${domain}/`).hostname
  } catch {
    return undefined
  }
}

/** commons-validator InetAddressValidator: dotted IPv4 (0–255, no leading zeros) or IPv6. */
export function isIpAddress(value: string): boolean {
  return isIpv4(value) || isIpv6(value)
}

function isIpv4(value: string): boolean {
  const parts = value.split('.')
  return parts.length === 4 && parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)
}

function isIpv6(value: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(value) || !value.includes(':')) return false
  try {
    return new URL(`http://[${value}]/`).hostname !== ''
  } catch {
    return false
  }
}

// URLs: commons-validator UrlValidator with its default schemes http, https and ftp.

const URL_PARTS = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/
/** Characters java.net.URI refuses anywhere (DHIS2 parses the URL with it first). */
// eslint-disable-next-line no-control-regex
const URI_FORBIDDEN = /[\s<>"{}|\\^`\x00-\x1F\x7F]|%(?![0-9a-fA-F]{2})/
const AUTHORITY =
  /^(?:([a-zA-Z0-9\-._~!$&'()*+,;=%]*(?::[a-zA-Z0-9\-._~!$&'()*+,;=%]*)?)@)?(?:\[([^\]]*)\]|([^:]*))(?::(\d*))?$/
const PATH = /^(\/[-\w:@&?=+,.!/~*'%$;()]*)?$/

export function isUrl(value: string): boolean {
  const parts = URL_PARTS.exec(value)
  if (!parts || URI_FORBIDDEN.test(value)) return false
  const [, scheme = '', authority = '', path = ''] = parts
  if (!['http', 'https', 'ftp'].includes(scheme.toLowerCase())) return false
  return isUrlAuthority(authority) && isUrlPath(path)
}

function isUrlAuthority(authority: string): boolean {
  const match = AUTHORITY.exec(authority)
  if (!match) return false
  const [, , ipv6, host, port] = match
  const hostValid = ipv6 !== undefined ? isIpv6(ipv6) : isDomainName(host ?? '') || isIpv4(host ?? '')
  return hostValid && (port === undefined || port === '' || Number(port) <= 65535)
}

/** No '//' and no '..' climbing above the root, as UrlValidator.isValidPath checks after normalising. */
function isUrlPath(path: string): boolean {
  if (!PATH.test(path) || path.includes('//')) return false
  let depth = 0
  for (const segment of path.split('/').slice(1)) {
    depth += segment === '..' ? -1 : segment === '.' || segment === '' ? 0 : 1
    if (depth < 0) return false
  }
  return true
}
