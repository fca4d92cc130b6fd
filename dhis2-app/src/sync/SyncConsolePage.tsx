import { ComingSoon } from '../app/ComingSoon'

/** Synchronisation — the sync console (data managers), through the DHIS2 route `relais-bridge`. */
export function SyncConsolePage() {
  return <ComingSoon screen="synchronisation" />
}
