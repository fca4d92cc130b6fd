// The programme's DHIS2 codes the screens share (community-program.md): the monthly RC report and the yearly
// targets. Codes, not uids: the same app runs on any DHIS2 the metadata package was imported into.
export const DATA_SET_CODE = 'RC_MENSUEL'
export const TARGETS_DATA_SET_CODE = 'RC_CIBLES'
