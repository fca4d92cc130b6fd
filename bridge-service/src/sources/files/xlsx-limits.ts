/**
 * The bounds within which an XLSX file is decoded. A workbook is a zip: its 13 MB can inflate to gigabytes
 * (issue 11: 40 million shared strings took the bridge to 4.7 GB; sheets placed before `sharedStrings.xml`
 * wrote 3 GB of temporary files). The upload limit counts compressed bytes only, so every quantity that
 * costs memory, disk or time is bounded here, counted as the bytes inflate, and a file past a bound is
 * refused as a whole with a message naming it (findings.ts `overLimit`).
 *
 * The defaults are Excel's own maxima where it has one (rows, columns), and otherwise well above what a
 * partner's monthly file needs while keeping one read under ~300 MB of memory and 256 MB of temporary disk
 * (the bridge's /tmp is a 512 MB tmpfs in docker/compose.yml).
 */
import { formatCount, overLimit, type UnreadableFileError } from './findings'

const MiB = 1024 * 1024

export interface XlsxLimits {
  /**
   * Bytes inflated from all the zip's entries together. Fixed rather than a multiple of the upload limit
   * (which may be set up to 500 MB): sheet XML inflates ~5–15× in files Excel writes, so a 50 MB upload of
   * real data stays below; a zip bomb is stopped after at most this much work.
   */
  maxUncompressedBytes: number
  /** One entry parsed whole into memory: workbook.xml, styles.xml, the relationships. */
  maxMetadataBytes: number
  /** `xl/sharedStrings.xml` inflated: the text exceljs keeps (strings may share the parsed chunks). */
  maxSharedStringsBytes: number
  /** Entries of the shared-strings table, kept in memory for the whole read. */
  maxSharedStrings: number
  /** Characters of all shared strings together. */
  maxSharedStringChars: number
  /** Worksheets in the workbook (only the first is read; the others are still inflated to be skipped). */
  maxSheets: number
  /** Entries of the zip, of any kind. */
  maxEntries: number
  /** Rows of the sheet read: Excel's maximum. */
  maxRows: number
  /** Cells in one row (a row is built whole before it is read): Excel's maximum column count. */
  maxCellsPerRow: number
  /** Cells of the sheet read (1,048,576 rows × 30 columns). */
  maxCellsPerSheet: number
  /**
   * Bytes of the sheet read or of the shared strings between two `<`: one text (a cell, a string) or one tag
   * with its attributes, which the XML parser holds whole. Excel's 32,767 characters per cell are at most
   * ~200 KB of escaped UTF-8.
   */
  maxTagOrTextBytes: number
  /**
   * Bytes written to a temporary file: a sheet that comes before `sharedStrings.xml` in the zip (openpyxl,
   * pandas write them so) cannot be read as it streams and is kept on disk until the strings are known.
   */
  maxTempBytes: number
}

export const XLSX_LIMITS: Readonly<XlsxLimits> = {
  maxUncompressedBytes: 1024 * MiB,
  maxMetadataBytes: 32 * MiB,
  maxSharedStringsBytes: 128 * MiB,
  maxSharedStrings: 1_000_000,
  maxSharedStringChars: 64_000_000,
  maxSheets: 500,
  maxEntries: 10_000,
  maxRows: 1_048_576,
  maxCellsPerRow: 16_384,
  maxCellsPerSheet: 32_000_000,
  maxTagOrTextBytes: 1 * MiB,
  maxTempBytes: 256 * MiB,
}

const mb = (bytes: number) => formatCount(Math.ceil(bytes / MiB))
const SAVE_AS_CSV = { fr: 'enregistrez-le en CSV', en: 'save it as CSV' }

export const xlsxLimitError = {
  uncompressed(limit: number): UnreadableFileError {
    const n = mb(limit)
    return overLimit(
      'xlsx-size-limit',
      `Le fichier XLSX décompressé dépasse ${n.fr} Mo (limite de décompression) ; vérifiez-le ou ${SAVE_AS_CSV.fr}.`,
      `The XLSX file inflates to more than ${n.en} MB (the decompression limit); check it or ${SAVE_AS_CSV.en}.`,
    )
  },
  entry(name: string, limit: number): UnreadableFileError {
    const n = mb(limit)
    return overLimit(
      'xlsx-size-limit',
      `La partie « ${name} » du fichier XLSX dépasse ${n.fr} Mo décompressés (limite par partie).`,
      `The part "${name}" of the XLSX file inflates to more than ${n.en} MB (the limit for that part).`,
    )
  },
  entries(limit: number): UnreadableFileError {
    const n = formatCount(limit)
    return overLimit(
      'xlsx-size-limit',
      `Le fichier XLSX contient plus de ${n.fr} parties (limite) : ce n'est pas un classeur ordinaire.`,
      `The XLSX file holds more than ${n.en} parts (the limit): not an ordinary workbook.`,
    )
  },
  sharedStrings(limit: number): UnreadableFileError {
    const n = formatCount(limit)
    return overLimit(
      'xlsx-shared-strings-limit',
      `La table des textes du fichier XLSX dépasse ${n.fr} entrées (limite des chaînes partagées) ; ${SAVE_AS_CSV.fr}.`,
      `The table of texts of the XLSX file has more than ${n.en} entries (the shared-strings limit); ${SAVE_AS_CSV.en}.`,
    )
  },
  sharedStringChars(limit: number): UnreadableFileError {
    const n = formatCount(limit)
    return overLimit(
      'xlsx-shared-strings-limit',
      `Les textes du fichier XLSX dépassent ${n.fr} caractères au total (limite des chaînes partagées) ; ${SAVE_AS_CSV.fr}.`,
      `The texts of the XLSX file exceed ${n.en} characters in all (the shared-strings limit); ${SAVE_AS_CSV.en}.`,
    )
  },
  sheets(limit: number): UnreadableFileError {
    const n = formatCount(limit)
    return overLimit(
      'xlsx-sheets-limit',
      `Le fichier XLSX contient plus de ${n.fr} feuilles (limite) ; gardez la feuille des données seule.`,
      `The XLSX file holds more than ${n.en} sheets (the limit); keep the data sheet alone.`,
    )
  },
  rows(limit: number): UnreadableFileError {
    const n = formatCount(limit)
    return overLimit(
      'xlsx-cells-limit',
      `La feuille dépasse ${n.fr} lignes (limite d'Excel).`,
      `The sheet has more than ${n.en} rows (Excel's limit).`,
    )
  },
  cellsPerRow(limit: number, row: number): UnreadableFileError {
    const n = formatCount(limit)
    return overLimit(
      'xlsx-cells-limit',
      `La ligne n° ${formatCount(row).fr} enregistrée dans la feuille dépasse ${n.fr} cellules (limite par ligne).`,
      `Row #${formatCount(row).en} stored in the sheet has more than ${n.en} cells (the limit per row).`,
    )
  },
  cellsPerSheet(limit: number): UnreadableFileError {
    const n = formatCount(limit)
    return overLimit(
      'xlsx-cells-limit',
      `La feuille dépasse ${n.fr} cellules (limite par feuille) ; ${SAVE_AS_CSV.fr} ou découpez-la.`,
      `The sheet has more than ${n.en} cells (the limit per sheet); ${SAVE_AS_CSV.en} or split it.`,
    )
  },
  tagOrText(limit: number): UnreadableFileError {
    const n = mb(limit)
    return overLimit(
      'xlsx-cells-limit',
      `Un texte (ou une balise) du fichier XLSX dépasse ${n.fr} Mo (limite par cellule) ; ce n'est pas une cellule ordinaire.`,
      `A text (or a tag) of the XLSX file exceeds ${n.en} MB (the limit per cell); not an ordinary cell.`,
    )
  },
  temp(limit: number): UnreadableFileError {
    const n = mb(limit)
    return overLimit(
      'xlsx-temp-limit',
      `Dans ce fichier XLSX, la feuille précède la table des textes : elle doit être mise de côté sur disque, et dépasse ${n.fr} Mo (limite des fichiers temporaires). Enregistrez-le de nouveau avec Excel ou en CSV.`,
      `In this XLSX file the sheet comes before the table of texts: it must be set aside on disk, and exceeds ${n.en} MB (the temporary-file limit). Save it again with Excel, or as CSV.`,
    )
  },
}
