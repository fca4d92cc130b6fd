/**
 * Outlier detection on one value against the org unit's own history (community-program.md, the WHO Data
 * Quality Tool's defaults): with at least `minMonths` months, the modified z-score over the last
 * `months` months (0.6745 × (x − median) / MAD) above `modifiedZ`; with fewer, the plain z-score above
 * `z`. Only values *above* the history are flagged, and they are warnings, never errors.
 */
export interface OutlierOptions {
  modifiedZ: number
  z: number
  minMonths: number
  months: number
}

export interface OutlierScore {
  method: 'modified-z' | 'z'
  score: number
  threshold: number
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** The score when `value` is an outlier, else undefined (also when the history cannot tell). */
export function outlierScore(
  value: number,
  history: readonly number[],
  options: OutlierOptions,
): OutlierScore | undefined {
  const recent = history.filter((h) => Number.isFinite(h)).slice(-options.months)
  if (recent.length >= options.minMonths) {
    const sorted = [...recent].sort((a, b) => a - b)
    const m = median(sorted)
    const mad = median(recent.map((h) => Math.abs(h - m)).sort((a, b) => a - b))
    // MAD 0 (most months equal): Iglewicz & Hoaglin's fallback on the mean absolute deviation.
    const spread = mad > 0 ? mad / 0.6745 : (recent.reduce((s, h) => s + Math.abs(h - m), 0) / recent.length) * 1.253314
    if (spread === 0) return undefined
    const score = (value - m) / spread
    return score > options.modifiedZ ? { method: 'modified-z', score, threshold: options.modifiedZ } : undefined
  }
  if (recent.length < 2) return undefined
  const mean = recent.reduce((s, h) => s + h, 0) / recent.length
  const sd = Math.sqrt(recent.reduce((s, h) => s + (h - mean) ** 2, 0) / (recent.length - 1))
  if (sd === 0) return undefined
  const score = (value - mean) / sd
  return score > options.z ? { method: 'z', score, threshold: options.z } : undefined
}
