import i18n from '@dhis2/d2-i18n'
import { Button } from '@dhis2/ui'
import { uiLanguage } from '../language'
import { csvDialect, toCsv, type CsvCell } from './csv'

/** Puts the CSV in a Blob and clicks a temporary link: nothing goes to a server. */
export function downloadCsv(fileName: string, csv: string): void {
  // BOM: Excel reads UTF-8 (accents in RC names) only with it.
  const blob = new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.appendChild(link)
  link.click()
  link.remove()
  URL.revokeObjectURL(url)
}

export function CsvButton({
  fileName,
  header,
  rows,
  label,
}: {
  fileName: string
  header: readonly string[]
  rows: ReadonlyArray<readonly CsvCell[]>
  /** What the table is, for screen readers ("Export CSV, …"). */
  label: string
}) {
  return (
    <Button
      small
      secondary
      // The visible words first, then which table: a voice command « click Export CSV » still finds it.
      aria-label={`${i18n.t('Export CSV')}, ${label}`}
      onClick={() => downloadCsv(fileName, toCsv(header, rows, csvDialect(uiLanguage())))}
    >
      {i18n.t('Export CSV')}
    </Button>
  )
}
