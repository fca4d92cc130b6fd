import i18n from '@dhis2/d2-i18n'
import { Button, FieldSet, FileInputField, Legend, NoticeBox, Radio, TextAreaField } from '@dhis2/ui'
import { useEffect, useState, type FormEvent } from 'react'
import classes from './Helpdesk.module.css'
import { categoryLabel } from './labels'
import { fitPhoto } from './photo'
import { newTicketRef, TICKET_CATEGORIES, type TicketCategory } from './ticketSubject'
import type { NewTicket } from './ticketQueue'

/** Fewer words than this say nothing a helper can act on. */
const MIN_TEXT = 5

const kilobytes = (bytes: number) => Math.max(1, Math.round(bytes / 1000))

/**
 * « Signaler une difficulté » in a few taps: a category (one tap), a few words, a photo if it helps. The ticket
 * is kept on the phone first and sent when it can be (ticketQueue.ts): filing works the same offline.
 */
export function NewTicketForm({ onFile }: { onFile: (ticket: NewTicket) => Promise<void> }) {
  const [category, setCategory] = useState<TicketCategory | undefined>()
  const [text, setText] = useState('')
  const [photo, setPhoto] = useState<File | undefined>()
  const [photoError, setPhotoError] = useState<string | undefined>()
  const [invalid, setInvalid] = useState<{ category?: boolean; text?: boolean }>({})
  const [filed, setFiled] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const preview = usePreview(photo)

  const choosePhoto = async (files: FileList | null) => {
    const chosen = files?.[0]
    setPhotoError(undefined)
    if (!chosen) return
    const fitted = await fitPhoto(chosen)
    if (fitted.ok) setPhoto(fitted.file)
    else {
      setPhoto(undefined)
      setPhotoError(
        fitted.reason === 'not-an-image'
          ? i18n.t('This file is not a photo. Choose a photo (JPEG or PNG).')
          : i18n.t('This photo is larger than 1 MB and could not be reduced. Take it again with a lower resolution.'),
      )
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const wrong = { category: category === undefined, text: text.trim().length < MIN_TEXT }
    setInvalid(wrong)
    if (wrong.category || wrong.text || !category) return
    setBusy(true)
    const ref = newTicketRef()
    try {
      await onFile({
        ref,
        category,
        text: text.trim(),
        ...(photo ? { photo: { name: photo.name, type: photo.type, size: photo.size, blob: photo } } : {}),
      })
      setFiled(ref)
      setCategory(undefined)
      setText('')
      setPhoto(undefined)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className={classes.card} aria-labelledby="relais-new-ticket">
      <h3 id="relais-new-ticket" className={classes.cardTitle}>
        {i18n.t('Report a difficulty')}
      </h3>
      {filed && (
        <NoticeBox title={i18n.t('Request {{ref}} filed', { ref: `#${filed}` })}>
          {i18n.t('It is kept on this phone until DHIS2 has it, and the answer will show below.')}
        </NoticeBox>
      )}
      <form className={classes.form} onSubmit={(e) => void submit(e)} noValidate>
        <FieldSet className={classes.categories}>
          <Legend required>{i18n.t('What is it about?')}</Legend>
          <div className={classes.categoryGrid}>
            {TICKET_CATEGORIES.map((c) => (
              <Radio
                key={c}
                className={classes.category}
                name="relais-ticket-category"
                value={c}
                label={categoryLabel(c)}
                checked={category === c}
                onChange={() => setCategory(c)}
              />
            ))}
          </div>
          {invalid.category && category === undefined && (
            <p className={classes.error} role="alert">
              {i18n.t('Choose what the difficulty is about.')}
            </p>
          )}
        </FieldSet>
        <TextAreaField
          className={classes.textArea}
          name="relais-ticket-text"
          label={i18n.t('Describe the difficulty')}
          helpText={i18n.t('What happened, on which screen or with what, since when.')}
          required
          rows={3}
          value={text}
          error={invalid.text && text.trim().length < MIN_TEXT}
          validationText={
            invalid.text && text.trim().length < MIN_TEXT
              ? i18n.t('Describe the difficulty in a few words.')
              : undefined
          }
          onChange={({ value }) => setText(value ?? '')}
        />
        <div className={classes.photoField}>
          <FileInputField
            name="relais-ticket-photo"
            label={i18n.t('Photo (optional)')}
            buttonLabel={photo ? i18n.t('Take or choose another photo') : i18n.t('Take or choose a photo')}
            helpText={i18n.t('A photo of the screen or of the problem, 1 MB at most (reduced if needed).')}
            accept="image/*"
            placeholder={photo ? photo.name : i18n.t('No photo chosen')}
            error={photoError !== undefined}
            validationText={photoError}
            onChange={({ files }) => void choosePhoto(files)}
          />
          {photo && (
            <div className={classes.photoPreview}>
              {preview && <img className={classes.photo} src={preview} alt={i18n.t('Photo to send')} />}
              <span className={classes.muted}>{i18n.t('{{number}} kB', { number: kilobytes(photo.size) })}</span>
              <Button secondary onClick={() => setPhoto(undefined)}>
                {i18n.t('Remove the photo')}
              </Button>
            </div>
          )}
        </div>
        <div>
          <Button primary type="submit" loading={busy} disabled={busy}>
            {i18n.t('Send the request')}
          </Button>
        </div>
      </form>
    </section>
  )
}

/** An object URL for a photo while it is shown, released after. */
export function usePreview(blob: Blob | undefined): string | undefined {
  const [url, setUrl] = useState<string | undefined>()
  useEffect(() => {
    if (!blob || typeof URL.createObjectURL !== 'function') {
      setUrl(undefined)
      return
    }
    const made = URL.createObjectURL(blob)
    setUrl(made)
    return () => URL.revokeObjectURL(made)
  }, [blob])
  return url
}
