import i18n from '@dhis2/d2-i18n'
import { Tag } from '@dhis2/ui'
import { roleLabel } from '../roles/roleLabel'
import type { RelaisRole } from '../roles/roles'
import type { CurrentUser } from '../shared/currentUser'
import classes from './HomePage.module.css'

export function UserProfile({ user, roles }: { user: CurrentUser; roles: readonly RelaisRole[] }) {
  return (
    <>
      {/* React escapes text itself; i18next's own HTML escaping would show N'Dri as N&#39;Dri */}
      <p>{i18n.t('Welcome, {{name}}', { name: user.name, interpolation: { escapeValue: false } })}</p>
      <section className={classes.section} aria-labelledby="relais-role">
        <h2 id="relais-role">{i18n.t('Relais role')}</h2>
        {roles.length > 0 ? (
          <div className={classes.tags}>
            {roles.map((role) => (
              <Tag key={role} neutral dataTest={`relais-role-${role}`}>
                {roleLabel(role)}
              </Tag>
            ))}
          </div>
        ) : (
          <p className={classes.muted}>{i18n.t('None')}</p>
        )}
      </section>
      <section className={classes.section} aria-labelledby="relais-org-units">
        <h2 id="relais-org-units">{i18n.t('Organisation units')}</h2>
        {user.organisationUnits.length > 0 ? (
          <ul className={classes.list}>
            {user.organisationUnits.map((unit) => (
              <li key={unit.id}>
                {unit.name} <span className={classes.muted}>({i18n.t('level {{level}}', { level: unit.level })})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className={classes.muted}>{i18n.t('No organisation unit is assigned to you.')}</p>
        )}
      </section>
    </>
  )
}
