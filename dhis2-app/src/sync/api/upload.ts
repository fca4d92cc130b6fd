// The file upload through the route: the file is the raw request body (a DHIS2 route drops Content-Type, so no
// multipart; the bridge recognises CSV or XLSX from the bytes), sent with XMLHttpRequest for its upload progress,
// with the DHIS2 session cookie like every other call of the app.
import type { useDataEngine } from '@dhis2/app-runtime'
import { classifyAnswer, classifyError, type BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { apiUrl, uploadPath } from './paths'
import { withProof } from '../../shared/bridge/routeProof'
import type { RunMode, UploadAccepted } from './types'
import { routeProofKeeper } from '../../shared/bridge/useBridge'

type ProofEngine = ReturnType<typeof useDataEngine>

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

export interface SendUploadRequest {
  engine: ProofEngine
  baseUrl: string
  source: string
  file: File
  mode: RunMode
  /** The dry run an import confirms. */
  confirms?: string
  onProgress?: (loaded: number, total: number) => void
  signal?: AbortSignal
}

/** Sends a file to a source through the route, with a route proof (renewed once if the bridge refused it). */
export async function sendUpload(request: SendUploadRequest): Promise<UploadOutcome> {
  const { engine, baseUrl, source, file, mode, confirms, onProgress, signal } = request
  const keeper = routeProofKeeper(engine)
  const attempt = async (renewProof: boolean): Promise<UploadOutcome> => {
    try {
      const proof = await keeper.nonceFor(renewProof)
      return await uploadFile({
        url: withProof(apiUrl(baseUrl, uploadPath(source, file.name, mode, confirms), window.location.href), proof),
        file,
        ...(signal ? { signal } : {}),
        ...(onProgress ? { onProgress } : {}),
      })
    } catch (error) {
      // The proof could not be written in DHIS2.
      return { ok: false, problem: classifyError(error) }
    }
  }
  const outcome = await attempt(false)
  // The bridge refused an expired proof before reading the file: once more with a new one.
  return !outcome.ok && outcome.problem.kind === 'route-proof' ? attempt(true) : outcome
}

/**
 * The files of this visit's dry runs, by run: « Importer » sends the very same file again (the bridge checks
 * its bytes). Kept in memory only — after a reload the data manager chooses the file again.
 */
const reviewedFiles = new Map<string, { source: string; file: File }>()

export function rememberReviewedFile(runId: string, source: string, file: File): void {
  reviewedFiles.set(runId, { source, file })
}

export function reviewedFile(runId: string): { source: string; file: File } | undefined {
  return reviewedFiles.get(runId)
}
