/**
 * Analytics errors (analytics §6): 409 Conflict WebMessages with DHIS2 2.41's error codes and
 * messages (`ErrorCode.java`); `{n}` arguments are formatted as Java would (`[a, b]` for lists).
 */
import { HttpError } from '../http/web-message'

const MESSAGES: Record<string, string> = {
  E7101: 'At least one dimension must be specified',
  E7102: 'At least one data dimension item or data element group set dimension item must be specified',
  E7103: 'Dimensions cannot be specified as dimension and filter simultaneously: `{0}`',
  E7104: 'At least one period as dimension or filter, or start and dates, must be specified',
  E7105: 'Periods and start and end dates cannot be specified simultaneously',
  E7106: 'Start date cannot be after end date',
  E7107: 'Start and end dates cannot be specified for reporting rates',
  E7108: 'Only a single indicator can be specified as filter',
  E7109: 'Only a single reporting rate can be specified as filter',
  E7110: 'Category option combos cannot be specified as filter',
  E7111: 'Dimensions cannot be specified more than once: `{0}`',
  E7112: 'Reporting rates can only be specified together with dimensions of type: `{0}`',
  E7113: 'Assigned categories cannot be specified when data elements are not specified',
  E7114: 'Assigned categories can only be specified together with data elements',
  E7115: 'Data elements must be of a value and aggregation type that allow aggregation: `{0}`',
  E7120: 'User: `{0}` is not allowed to view org unit: `{1}`',
  E7124: 'Dimension is present in query without any valid dimension options: `{0}`',
  E7125: 'Dimension identifier does not reference any dimension: `{0}`',
  E7128: 'Query result set exceeded max limit: `{0}`',
  E7134: 'Cannot retrieve total value for data elements with skip total category combination',
  E7143: 'Organisation unit or organisation unit level is not valid',
  E7144: 'Query failed because a referenced table does not exist. Please ensure analytics job was run',
  E7152: 'Periods as filter not supported with Indicator with period offset',
  E7611: 'Period not valid: `{0}`',
}

/** A Java `List.toString()`: `[a, b]`. */
export const javaList = (items: readonly string[]): string => `[${items.join(', ')}]`

export class AnalyticsError extends HttpError {
  constructor(code: string, ...args: string[]) {
    const template = MESSAGES[code] ?? code
    let message = template.replace(/\{(\d)\}/g, (_m, i: string) => args[Number(i)] ?? '')
    let devMessage: string | undefined
    if (code === 'E7144') {
      message += ' (SqlState: 42P01)'
      devMessage = 'SqlState: 42P01'
    }
    super(409, message, code, devMessage)
  }
}
