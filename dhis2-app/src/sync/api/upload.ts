// The file upload through the route: the file is the raw request body (a DHIS2 route drops Content-Type, so no
// multipart; the bridge recognises CSV or XLSX from the bytes), sent with XMLHttpRequest for its upload progress,
// with the DHIS2 session cookie like every other call of the app.
import { classifyAnswer, type BridgeProblem } from '../logic/bridgeProblem'
import type { UploadAccepted } from './types'

export interface UploadRequest {
  url: string
  file: Blob
  onProgress?: (loaded: number, total: number) => void
  signal?: AbortSignal
}

export type UploadOutcome = { ok: true; data: UploadAccepted } | { ok: false; problem: BridgeProblem }

const parse = (text: string): unknown => {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined
  } catch {
    return undefined
  }
}

export function uploadFile({ url, file, onProgress, signal }: UploadRequest): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.withCredentials = true
    // DHIS2 answers 401 rather than a login page redirect to calls marked as XHR, as the data engine's are.
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest')
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded, event.total)
    }
    xhr.onload = () => {
      const body = parse(xhr.responseText)
      if (xhr.status === 202 || xhr.status === 200 || xhr.status === 201) {
        onProgress?.(file.size, file.size)
        resolve({ ok: true, data: body as UploadAccepted })
      } else resolve({ ok: false, problem: classifyAnswer(xhr.status, body) })
    }
    xhr.onerror = () => resolve({ ok: false, problem: { kind: 'network' } })
    xhr.onabort = () => resolve({ ok: false, problem: { kind: 'network', message: 'aborted' } })
    signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(file)
  })
}
