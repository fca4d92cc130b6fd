// Upload a partner's CSV/XLSX file to a file source: the raw file through the route, with its progress. It is
// always checked first (a dry run): the run view then shows what the import would change, and « Importer »
// sends the same file again to import exactly that (issue 13 §3).
import { useConfig, useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import { Button, FileInputField, LinearLoader } from '@dhis2/ui'
import { useId, useRef, useState } from 'react'
import type { Source } from '../api/types'
import { rememberReviewedFile, sendUpload } from '../api/upload'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { formatBytes } from '../logic/format'
import classes from '../Sync.module.css'
import { ProblemNotice } from './common'
import { ACCEPTED_FILES } from './controls'

const MEGABYTE = 1024 * 1024

export function UploadPanel({ source, onStarted }: { source: Source; onStarted: (runId: string) => void }) {
  const { baseUrl } = useConfig()
  const engine = useDataEngine()
  const id = useId()
  const [file, setFile] = useState<File | null>(null)
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
    const outcome = await sendUpload({
      engine,
      baseUrl,
      source: source.name,
      file,
      mode: 'dry-run',
      signal: abort.current.signal,
      onProgress: (loaded, total) => setProgress(total > 0 ? Math.round((loaded / total) * 100) : 0),
    })
    abort.current = null
    if (outcome.ok) {
      rememberReviewedFile(outcome.data.id, source.name, file)
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
        <FileInputField
          name={`relais-upload${id}`}
          label={i18n.t('CSV or XLSX file')}
          buttonLabel={i18n.t('Choose a file')}
          accept={ACCEPTED_FILES}
          disabled={busy}
          onChange={({ files }) => {
            // the File itself, at once: @dhis2/ui empties the input right after this call
            setFile(files?.[0] ?? null)
            setProblem(null)
            setTooBig(false)
          }}
        />
        <Button primary disabled={!file || busy} onClick={() => void send()}>
          {i18n.t('Check the file')}
        </Button>
      </div>
      <span className={classes.muted}>
        {i18n.t('Nothing is written to DHIS2 yet. You will see what the file would change, then choose to import it.')}
      </span>
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
