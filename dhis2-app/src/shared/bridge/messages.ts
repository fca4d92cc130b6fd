// The bridge's stable error codes (bridge-service/src/api/errors.ts, auth.ts, the file readers) → sentences in the
// user's language. The server's English message stays available as detail; the code decides the sentence.
import i18n from '@dhis2/d2-i18n'
import type { BridgeProblem } from './bridgeProblem'

export function bridgeCodeMessage(code: string): string | undefined {
  switch (code) {
    case 'invalid-request':
      return i18n.t('The bridge could not accept this request; check the values entered.')
    case 'malformed-json':
      return i18n.t('The bridge could not read the request (malformed JSON).')
    case 'payload-too-large':
      return i18n.t('The file is larger than this source accepts.')
    case 'unsupported-media-type':
    case 'unsupported-format':
      return i18n.t('This file is neither a CSV nor an XLSX file.')
    case 'unsupported-encoding':
      return i18n.t('The request was sent compressed, which the bridge does not accept.')
    case 'empty-file':
      return i18n.t('The file is empty.')
    case 'no-header':
      return i18n.t('The file has no header row with the column names.')
    case 'corrupt-xlsx':
      return i18n.t('The XLSX file is damaged and cannot be read.')
    case 'header-too-long':
      return i18n.t('The header row of the file is too long.')
    case 'xlsx-size-limit':
      return i18n.t('The XLSX file is too large once decompressed; check it, or save it as CSV.')
    case 'xlsx-temp-limit':
      return i18n.t('This XLSX file needs too much temporary space to be read; save it again with Excel, or as CSV.')
    case 'xlsx-shared-strings-limit':
      return i18n.t('The XLSX file holds too many different texts; save it as CSV.')
    case 'xlsx-sheets-limit':
      return i18n.t('The XLSX file has too many sheets; keep the data sheet alone.')
    case 'xlsx-cells-limit':
      return i18n.t('The sheet has too many rows or cells, or a row that is too wide.')
    case 'csv-row-limit':
      return i18n.t('A row of the file has too many cells or is too long; check its separators and quotes.')
    case 'not-found':
      return i18n.t('Not found. It may have been removed.')
    case 'unknown-source':
      return i18n.t('This source is not configured in the bridge.')
    case 'wrong-source-kind':
      return i18n.t('This source does not take files.')
    case 'state-conflict':
      return i18n.t('This is no longer possible; someone else may have acted first. Refresh to see the current state.')
    case 'rate-limited':
      return i18n.t('Too many requests. Wait a moment and try again.')
    case 'not-ready':
      return i18n.t('The bridge is starting; try again in a moment.')
    case 'dhis2-unavailable':
      return i18n.t('The bridge could not reach DHIS2; try again later.')
    case 'forbidden':
      return i18n.t('Your Relais role does not allow this action.')
    case 'unauthorized':
      return i18n.t('The bridge did not recognise the call from DHIS2.')
    case 'internal':
      return i18n.t('The bridge met an unexpected error; it has been logged.')
    case 'not-a-dry-run':
      return i18n.t('Nothing was imported. Check the file first, then import it from the check.')
    case 'file-differs':
      return i18n.t('Nothing was imported. This is not the file that was checked; check this file first.')
    case 'dhis2-changed':
      return i18n.t('Nothing was imported. DHIS2 changed since the check; check the file again.')
    case 'report-complete':
      return i18n.t('The report is already complete, no reminder is needed.')
    case 'already-reminded':
      return i18n.t('This community health worker was already reminded today (one reminder a day at most).')
    case 'no-user-account':
      return i18n.t('This community health worker has no DHIS2 account to write to.')
    case 'reminders-unavailable':
      return i18n.t('Reminders are not running in this bridge.')
    case 'capacity-unavailable':
      return i18n.t('The capacity report is not available in this bridge.')
    default:
      return undefined
  }
}

/** One sentence for any problem, for inline notices (the full-screen help says more, see BridgeProblemScreen). */
export function problemMessage(problem: BridgeProblem): string {
  switch (problem.kind) {
    case 'route-missing':
      return i18n.t('DHIS2 has no route to the Relais bridge.')
    case 'route-forbidden':
      return i18n.t('DHIS2 does not let your account use the route to the Relais bridge.')
    case 'bridge-down':
      return i18n.t('The Relais bridge is not answering.')
    case 'route-secret':
      return i18n.t('The bridge did not recognise the call from DHIS2.')
    case 'user-unknown':
      return i18n.t('The bridge could not find your DHIS2 account.')
    case 'route-proof':
      return i18n.t('The bridge could not check with DHIS2 that this call is yours.')
    case 'network':
      return i18n.t('DHIS2 could not be reached. Check your connection.')
    case 'bridge-error':
      return (
        (problem.code ? bridgeCodeMessage(problem.code) : undefined) ??
        i18n.t('The bridge answered with an error ({{status}}).', { status: problem.status ?? '?' })
      )
  }
}
