// The confirmation asked before anything that changes what people entered or receive: a title, what will
// happen, Cancel and the action. Every screen asks the same way.
import i18n from '@dhis2/d2-i18n'
import { Button, ButtonStrip, Modal, ModalActions, ModalContent, ModalTitle } from '@dhis2/ui'
import type { ReactNode } from 'react'
import classes from './ConfirmModal.module.css'

export function ConfirmModal({
  title,
  children,
  confirmLabel,
  destructive,
  busy,
  confirmDisabled,
  onConfirm,
  onCancel,
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  destructive?: boolean
  busy?: boolean
  /** The confirmation cannot be given yet (a required reason is missing); cancelling still can. */
  confirmDisabled?: boolean
  onConfirm: () => void
  onCancel: () => void
}) {
  return (
    <Modal onClose={onCancel} position="middle" small className={classes.dialog}>
      <ModalTitle>{title}</ModalTitle>
      <ModalContent>{children}</ModalContent>
      <ModalActions>
        <ButtonStrip end>
          <Button secondary onClick={onCancel} disabled={busy}>
            {i18n.t('Cancel')}
          </Button>
          <Button
            primary={!destructive}
            destructive={destructive}
            onClick={onConfirm}
            loading={busy}
            disabled={busy || confirmDisabled}
          >
            {confirmLabel}
          </Button>
        </ButtonStrip>
      </ModalActions>
    </Modal>
  )
}
