// DHIS2 answers E7144 (« Query failed because a referenced table does not exist. Please ensure analytics job was
// run ») when its analytics tables were never generated — every new installation, until the first night's job.
// Pure.

export function analyticsTablesMissing(error: unknown): boolean {
  const e = error as { details?: { errorCode?: unknown; message?: unknown }; message?: unknown } | undefined
  if (e?.details?.errorCode === 'E7144') return true
  const text = `${String(e?.details?.message ?? '')} ${String(e?.message ?? '')}`
  return /analytics job was run/i.test(text)
}
