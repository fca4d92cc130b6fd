/**
 * The one place a site's own patient identifier is kept (issue 19 §3): sealed with AES-256-GCM, under a key
 * derived from RELAIS_PSEUDONYM_KEY by HKDF-SHA256, with the site's code as associated data — a sealed id copied
 * to another site's case does not open. The ledger holds only the sealed text; the bridge opens it only to send
 * that case's outcome back to the site that sent it (and audits each opening: tracing/outcomes.ts). Pure: no I/O.
 *
 * Sealed text: `v1.` + base64url(12-byte random IV ‖ ciphertext ‖ 16-byte tag).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1.'
const IV_BYTES = 12
const TAG_BYTES = 16

export class VaultError extends Error {
  override readonly name = 'VaultError'
}

export class Vault {
  private readonly key: Buffer

  constructor(pseudonymKey: string) {
    this.key = Buffer.from(
      hkdfSync('sha256', Buffer.from(pseudonymKey, 'utf8'), 'relais-tracing-vault', 'aes-256-gcm v1', 32),
    )
  }

  seal(site: string, siteId: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(site, 'utf8'))
    const body = Buffer.concat([cipher.update(siteId, 'utf8'), cipher.final()])
    return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
  }

  /** The site's id; throws VaultError for another site's seal, another key, or a changed text. */
  open(site: string, sealed: string): string {
    if (!sealed.startsWith(VERSION)) throw new VaultError('unknown sealed identifier format')
    const bytes = Buffer.from(sealed.slice(VERSION.length), 'base64url')
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new VaultError('sealed identifier too short')
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(site, 'utf8'))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8')
    } catch {
      throw new VaultError('the sealed identifier does not open for this site (another site, key, or changed text)')
    }
  }
}
