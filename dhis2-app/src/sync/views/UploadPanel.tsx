// Upload a partner's CSV/XLSX file to a file source: the raw file through the route, with its progress; the run it
// creates is then followed.
import { useConfig, useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Button, LinearLoader } from '@dhis2/ui'
import { useId, useRef, useState } from 'react'
import { apiUrl, uploadPath } from '../api/paths'
import type { RunMode, Source } from '../api/types'
import { withProof } from '../api/routeProof'
import { uploadFile, type UploadOutcome } from '../api/upload'
import { routeProofKeeper } from '../api/useBridge'
import { classifyError, type BridgeProblem } from '../logic/bridgeProblem'
import { formatBytes } from '../logic/format'
import classes from '../Sync.module.css'
import { ProblemNotice } from './common'

const MEGABYTE = 1024 * 1024

export function UploadPanel({ source, onStarted }: { source: Source; onStarted: (runId: string) => void }) {
  const { baseUrl } = useConfig()
  const engine = useDataEngine()
  const id = useId()
  const [file, setFile] = useState<File | null>(null)
  const [mode, setMode] = useState<RunMode>('import')
  const [progress, setProgress] = useState<number | null>(null)
  const [problem, setProblem] = useState<BridgeProblem | null>(null)
  const [tooBig, setTooBig] = useState(false)
  const abort = useRef<AbortController | null>(null)

  const limit = source.maxUploadMegabytes ? source.maxUploadMegabytes * MEGABYTE : undefined

  const send = async () => {
    if (!file) return
    setProblem(null)
    if (limit !== undefined && file.size > limit) {
      setTooBig(true)
      return
    }
    setTooBig(false)
    setProgress(0)
    abort.current = new AbortController()
    const signal = abort.current.signal
    const keeper = routeProofKeeper(engine)
    const attempt = async (renewProof: boolean): Promise<UploadOutcome> => {
      try {
        const proof = await keeper.nonceFor(renewProof)
        return await uploadFile({
          url: withProof(apiUrl(baseUrl, uploadPath(source.name, file.name, mode), window.location.href), proof),
          file,
          signal,
          onProgress: (loaded, total) => setProgress(total > 0 ? Math.round((loaded / total) * 100) : 0),
        })
      } catch (error) {
        // The proof could not be written in DHIS2.
        return { ok: false, problem: classifyError(error) }
      }
    }
    let outcome = await attempt(false)
    // The bridge refused an expired proof before reading the file: once more with a new one.
    if (!outcome.ok && outcome.problem.kind === 'route-proof') outcome = await attempt(true)
    abort.current = null
    if (outcome.ok) {
      onStarted(outcome.data.id)
      return
    }
    setProgress(null)
    setProblem(outcome.problem)
  }

  const busy = progress !== null
  return (
    <div className={classes.panel}>
      <div className={classes.form}>
        <label className={classes.label} htmlFor={`${id}-file`}>
          {i18n.t('CSV or XLSX file')}
          <input
            id={`${id}-file`}
            className={classes.input}
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            disabled={busy}
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null)
              setProblem(null)
              setTooBig(false)
            }}
          />
        </label>
        <label className={classes.label}>
          {i18n.t('What to do with it')}
          <select
            className={classes.select}
            value={mode}
            disabled={busy}
            onChange={(event) => setMode(event.target.value as RunMode)}
          >
            <option value="import">{i18n.t('Import into DHIS2')}</option>
            <option value="dry-run">{i18n.t('Dry run (check only, nothing sent)')}</option>
          </select>
        </label>
        <Button primary disabled={!file || busy} onClick={() => void send()}>
          {i18n.t('Send the file')}
        </Button>
      </div>
      {file && (
        <span className={classes.muted}>
          {file.name} · {formatBytes(file.size)}
        </span>
      )}
      {busy && (
        <>
          <LinearLoader amount={progress} aria-label={i18n.t('Upload progress')} margin="0" />
          <span className={classes.muted}>
            {progress < 100
              ? i18n.t('Sending the file… {{percent}} %', { percent: progress })
              : i18n.t('File sent; the bridge is reading it…')}
          </span>
        </>
      )}
      {tooBig && (
        <p className={classes.error} role="alert">
          {i18n.t('The file is larger than this source accepts ({{limit}} MB at most).', {
            limit: source.maxUploadMegabytes,
          })}
        </p>
      )}
      {problem && <ProblemNotice problem={problem} title={i18n.t('The file was not accepted')} />}
    </div>
  )
}
