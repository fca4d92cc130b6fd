// The photo of a difficulty, at most 1 MB (issue 15 §2): a phone camera takes 3–8 MB, too much for a weak
// network and for the device's storage while it waits. A bigger photo is drawn again smaller, as a JPEG, in the
// browser; the arithmetic is pure, the drawing is the browser's.

export const MAX_PHOTO_BYTES = 1_000_000

/** The longest side a reduced photo keeps: a screen of text or a broken part stays readable. */
export const MAX_PHOTO_SIDE = 1600

/** The size to draw at: the longest side at most `max`, the proportions kept, never enlarged. */
export function scaledSize(
  width: number,
  height: number,
  max: number = MAX_PHOTO_SIDE,
): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height, 1))
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/** The tries, smaller each time, until one fits: a photo of fine print compresses badly. */
export const ATTEMPTS: ReadonlyArray<{ side: number; quality: number }> = [
  { side: MAX_PHOTO_SIDE, quality: 0.8 },
  { side: 1280, quality: 0.7 },
  { side: 1024, quality: 0.6 },
  { side: 800, quality: 0.5 },
]

export type PhotoResult = { ok: true; file: File } | { ok: false; reason: 'not-an-image' | 'too-big' }

/** The photo as it will be sent: as taken when it fits, else reduced; refused when neither works. */
export async function fitPhoto(file: File): Promise<PhotoResult> {
  if (!file.type.startsWith('image/')) return { ok: false, reason: 'not-an-image' }
  if (file.size <= MAX_PHOTO_BYTES) return { ok: true, file }
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    return { ok: false, reason: 'too-big' }
  }
  try {
    for (const attempt of ATTEMPTS) {
      const size = scaledSize(bitmap.width, bitmap.height, attempt.side)
      const canvas = document.createElement('canvas')
      canvas.width = size.width
      canvas.height = size.height
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, size.width, size.height)
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', attempt.quality))
      if (blob && blob.size <= MAX_PHOTO_BYTES) {
        const name = file.name.replace(/\.[^.]*$/, '') || 'photo'
        return { ok: true, file: new File([blob], `${name}.jpg`, { type: 'image/jpeg' }) }
      }
    }
    return { ok: false, reason: 'too-big' }
  } finally {
    bitmap.close()
  }
}
