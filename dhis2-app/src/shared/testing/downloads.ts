// The files a screen downloads in a test: jsdom has no downloads, so the object URL's blob and the link's file
// name are kept here, and the blob read back as text (what the user's spreadsheet would open).
export function captureDownloads() {
  const blobs: Blob[] = []
  const names: string[] = []
  URL.createObjectURL = (blob: Blob) => {
    blobs.push(blob)
    return 'blob:relais'
  }
  URL.revokeObjectURL = () => undefined
  const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    names.push(this.download)
  })
  return {
    /** The downloaded files' names, in order. */
    names,
    /** The text of the nth file downloaded. */
    text: (index = 0) =>
      new Promise<string>((resolve) => {
        const reader = new FileReader()
        reader.onload = () => resolve(String(reader.result))
        reader.readAsText(blobs[index] as Blob)
      }),
    /** Links click as before. */
    restore: () => click.mockRestore(),
  }
}
