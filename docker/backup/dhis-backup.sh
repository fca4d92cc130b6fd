#!/bin/sh
# DHIS2's database (custom format; analytics tables left out: DHIS2 regenerates them) and its files (documents,
# installed apps), every night at BACKUP_AT (UTC, default 01:30) into BACKUP_DIR (the volume `backups`);
# BACKUPS_KEPT_DAYS (default 14) nights kept. The ledger is backed up by the bridge itself (nightly maintenance,
# 04:10). Copy the backups off the machine, encrypted: docker/README.md, "Backups".
# BACKUP_NOW=1 runs one backup at once and exits (by hand: docker compose run --rm -e BACKUP_NOW=1 dhis2-backup).
# Health: a success in the last 26 hours (BACKUP_DIR/.last-ok).
set -eu
: "${BACKUP_AT:=01:30}" "${BACKUPS_KEPT_DAYS:=14}" "${BACKUP_DIR:=/backups}" "${FILES_DIR:=/dhis2-home}"

backup_once() {
  day=$(date -u +%F)
  db="${BACKUP_DIR}/dhis2-${day}.dump"
  files="${BACKUP_DIR}/dhis2-home-${day}.tgz"
  if pg_dump -Fc -T 'analytics*' -f "${db}.partial" && mv "${db}.partial" "${db}" \
    && tar czf "${files}.partial" -C "${FILES_DIR}" . && mv "${files}.partial" "${files}"; then
    (cd "${BACKUP_DIR}" && sha256sum "dhis2-${day}.dump" "dhis2-home-${day}.tgz" > "dhis2-${day}.sha256")
    touch "${BACKUP_DIR}/.last-ok"
    echo "dhis2-backup: ${day} ok"
  else
    rm -f "${db}.partial" "${files}.partial"
    echo "dhis2-backup: ${day} FAILED" >&2
    return 1
  fi
  find "${BACKUP_DIR}" -maxdepth 1 -name 'dhis2-*' -mtime +"${BACKUPS_KEPT_DAYS}" -delete
}

if [ "${BACKUP_NOW:-}" = 1 ]; then
  backup_once
  exit $?
fi
touch /tmp/started
while true; do
  now=$(date -u +%s)
  next=$(date -u -d "$(date -u +%F) ${BACKUP_AT}" +%s)
  [ "$next" -gt "$now" ] || next=$((next + 86400))
  sleep $((next - now))
  backup_once || true
done
