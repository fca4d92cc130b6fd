/** jsdom and very old browsers have no 2D canvas: then the data tables alone carry the figures. */
export function canvasWorks(): boolean {
  try {
    return !!document.createElement('canvas').getContext('2d')
  } catch {
    return false
  }
}
