// The full screen shown when the console cannot work at all: no route in DHIS2, the bridge down, the route refused.
// It says what to do, for the data manager who reads it.
import i18n from '@dhis2/d2-i18n'
import { Button, NoticeBox } from '@dhis2/ui'
import { ROUTE_CODE } from '../../shared/bridge/paths'
import type { BridgeProblem } from '../../shared/bridge/bridgeProblem'
import classes from '../Sync.module.css'

const SECRET_VARIABLE = 'RELAIS_ROUTE_SECRET'
const APP_AUTHORITY = 'M_relais'
/** An address to replace, in a code example (not words to translate). */
const EXAMPLE_BRIDGE_URL = 'https://relais-bridge.example.org'

/** The body of POST /api/routes that creates the route (web-api.md §7: auth api-headers, wildcard URL). */
export function routeDefinition(bridgeUrl: string, secret: string): string {
  return JSON.stringify(
    {
      name: 'Relais bridge',
      code: ROUTE_CODE,
      url: `${bridgeUrl.replace(/\/+$/, '')}/**`,
      auth: { type: 'api-headers', headers: { 'X-Relais-Route-Secret': secret } },
      authorities: [APP_AUTHORITY],
      responseTimeoutSeconds: 30,
    },
    null,
    2,
  )
}

function RouteMissing() {
  const example = routeDefinition(EXAMPLE_BRIDGE_URL, i18n.t('the route secret'))
  return (
    <>
      <p>
        {i18n.t(
          'The console reaches the Relais bridge through a DHIS2 route with the code {{code}}. DHIS2 does not know this route, or it is disabled.',
          { code: ROUTE_CODE },
        )}
      </p>
      <h3 className={classes.subtitle}>{i18n.t('How to create the route')}</h3>
      <ol className={classes.steps}>
        <li>
          {i18n.t(
            "Ask the bridge's operator for its address and for the route secret (the value of {{variable}} on the bridge).",
            { variable: SECRET_VARIABLE },
          )}
        </li>
        <li>
          {i18n.t(
            'As a DHIS2 administrator, create the route in the Maintenance app (Routes), or send this body with POST to /api/routes.',
          )}
          {/* Scrolls sideways on a phone: focusable, so a keyboard can scroll it too. */}
          <pre className={classes.code} role="region" tabIndex={0} aria-label={i18n.t('Route definition')}>
            {`POST /api/routes\n${example}`}
          </pre>
        </li>
        <li>
          {i18n.t(
            'The route adds the secret in the header X-Relais-Route-Secret; DHIS2 adds the user name. The secret never reaches the browser.',
          )}
        </li>
        <li>
          {i18n.t(
            'The authorities list says who may use the route; {{authority}} is the authority of the Relais app.',
            { authority: APP_AUTHORITY },
          )}
        </li>
        <li>{i18n.t('Then reload this page.')}</li>
      </ol>
    </>
  )
}

function BridgeDown({ problem }: { problem: BridgeProblem }) {
  return (
    <>
      <p>
        {i18n.t('DHIS2 has the route {{code}}, but the bridge behind it did not answer (HTTP {{status}}).', {
          code: ROUTE_CODE,
          status: problem.status ?? '?',
        })}
      </p>
      <ol className={classes.steps}>
        <li>{i18n.t('Check that the bridge service is running and that its health check (/healthz) answers.')}</li>
        <li>{i18n.t("Check that the route's URL points to the bridge and ends with /**.")}</li>
        <li>{i18n.t('If the bridge has just been restarted, wait a minute and try again.')}</li>
      </ol>
    </>
  )
}

function RouteForbidden() {
  return (
    <p>
      {i18n.t(
        "DHIS2 does not let your account use the route {{code}}. Ask an administrator to add one of your authorities to the route's authorities, or to share the route with you.",
        { code: ROUTE_CODE },
      )}
    </p>
  )
}

function RouteSecret() {
  return (
    <p>
      {i18n.t(
        'The route header X-Relais-Route-Secret must hold the same value as {{variable}} on the bridge, and your DHIS2 user must be known to the bridge. Ask an administrator to check the route.',
        { variable: SECRET_VARIABLE },
      )}
    </p>
  )
}

function UserUnknown() {
  return (
    <p>
      {i18n.t(
        "The bridge reads each caller's groups from DHIS2 with its own account, and could not find yours. If your account is new, wait a minute and try again; otherwise ask an administrator to check that the bridge's DHIS2 account may read users.",
      )}
    </p>
  )
}

function RouteProof() {
  return (
    <p>
      {i18n.t(
        'Before each call the app writes a one-time proof in the DHIS2 data store (namespace relais-proofs), which the bridge reads with its own DHIS2 account. Ask an administrator to check that your account may write there and that the bridge account may read it.',
      )}
    </p>
  )
}

export function BridgeProblemScreen({ problem, onRetry }: { problem: BridgeProblem; onRetry: () => void }) {
  const title =
    problem.kind === 'route-missing'
      ? i18n.t('The route to the Relais bridge is missing')
      : problem.kind === 'bridge-down'
        ? i18n.t('The Relais bridge is not answering')
        : problem.kind === 'route-forbidden'
          ? i18n.t('You may not use the route to the Relais bridge')
          : problem.kind === 'route-secret'
            ? i18n.t('The bridge refused the call from DHIS2')
            : problem.kind === 'user-unknown'
              ? i18n.t('The bridge does not know your account')
              : problem.kind === 'route-proof'
                ? i18n.t('The bridge could not confirm who you are')
                : i18n.t('DHIS2 could not be reached')
  return (
    <section aria-label={title} className={classes.page}>
      <NoticeBox error={problem.kind !== 'route-missing'} warning={problem.kind === 'route-missing'} title={title}>
        {problem.kind === 'route-missing' && <RouteMissing />}
        {problem.kind === 'bridge-down' && <BridgeDown problem={problem} />}
        {problem.kind === 'route-forbidden' && <RouteForbidden />}
        {problem.kind === 'route-secret' && <RouteSecret />}
        {problem.kind === 'user-unknown' && <UserUnknown />}
        {problem.kind === 'route-proof' && <RouteProof />}
        {problem.kind === 'network' && <p>{i18n.t('Check your connection and try again.')}</p>}
        {problem.message && <p className={classes.muted}>{problem.message}</p>}
        <Button onClick={onRetry}>{i18n.t('Try again')}</Button>
      </NoticeBox>
    </section>
  )
}
