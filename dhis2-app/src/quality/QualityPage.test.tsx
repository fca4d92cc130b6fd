// « Qualité des données » (issue 15 §3) as its users drive it: a data manager reads the zone's findings in
// words, each with its RC, month, cell and reason, marks one checked (confirmed, kept in the dataStore) and a
// follow-up corrected (unmarked in DHIS2 too); a supervisor reads the same findings without any way to review
// them and opens the app's form; a role DHIS2 refuses is told so.
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MANAGER, SUPERVISOR } from '../shared/testing/users'
import { FOLLOWUP, OUTLIER, RC_A, RC_B, VIOLATION, ZONE, renderQuality } from './testing/fakeQuality'

jest.setTimeout(20_000)

const section = async (name: RegExp) => screen.findByRole('region', { name }, { timeout: 5000 })
const items = (region: HTMLElement) => within(region).queryAllByRole('listitem')

describe('Qualité des données', () => {
  it('lists each kind of finding in words, with its RC, month, cell and why it is flagged', async () => {
    const view = renderQuality({ user: MANAGER, path: `/qualite?ou=${ZONE.id}` })
    const outliers = await section(/^Outliers \(1\)$/)
    const [outlier] = items(outliers)
    expect(outlier?.textContent).toContain('RC Afiavi Houénou (RC-AQ-00001) — March 2026')
    expect(outlier?.textContent).toContain('Visites à domicile')
    expect(outlier?.textContent).toContain('480; expected between 0 and 52')

    const [violation] = items(await section(/^Validation rule violations \(1\)$/))
    expect(violation?.textContent).toContain('RC Bernard Dossou (RC-AQ-00002) — October 2026')
    expect(violation?.textContent).toContain('TDR positifs ≤ TDR réalisés')
    expect(violation?.textContent).toContain('15 against 13; the rule requires ≤')

    const [followup] = items(await section(/^Values marked for follow-up \(1\)$/))
    expect(followup?.textContent).toContain('Enfants fébriles vus — Féminin')
    expect(followup?.textContent).toContain('75; marked for follow-up')

    const [missing] = items(await section(/^Missing disaggregations \(1\)$/))
    expect(missing?.textContent).toContain('RC Afiavi Houénou (RC-AQ-00001) — October 2026')
    expect(missing?.textContent).toContain('Féminin empty (0 or not entered); 7 in the other cells')

    // The last twelve ended months, the whole zone, DHIS2's default outlier detection.
    const [request] = view.requests.filter((r) => r.resource === 'outlierDetection')
    expect(request?.params).toMatchObject({
      ou: ZONE.id,
      startDate: '2025-12-01',
      endDate: '2026-11-30',
      algorithm: 'Z_SCORE',
      threshold: 3,
    })
    // A data manager has no entry screen in the app: DHIS2's Data Entry app, at that RC and month.
    expect(within(outlier!).getByRole('link', { name: 'Open the form of March 2026' }).getAttribute('href')).toEqual(
      expect.stringMatching(
        new RegExp(
          `/dhis-web-aggregate-data-entry/index\\.html#/\\?dataSetId=dsRcMensuel&orgUnitId=${RC_A.id}&periodId=202603$`,
        ),
      ),
    )
  })

  it('shows the zone’s monthly quality score: reporting RC with no open finding', async () => {
    renderQuality({ user: MANAGER, path: `/qualite?ou=${ZONE.id}` })
    const table = await section(/^Monthly quality score of ZS Ouidah$/)
    const rows = within(table)
      .getAllByRole('row')
      .map((r) => r.textContent)
    // October: both RC reported, both have a finding; March: one of two; November: none.
    expect(rows).toContain('October 2026220 %')
    expect(rows).toContain('March 20262150 %')
    expect(rows).toContain('November 202620100 %')
  })

  it('lets a data manager mark a finding checked, after confirming, kept with who and when', async () => {
    const user = userEvent.setup()
    const view = renderQuality({ user: MANAGER, path: `/qualite?ou=${ZONE.id}` })
    const [outlier] = items(await section(/^Outliers \(1\)$/))
    await user.click(within(outlier!).getByRole('button', { name: 'Mark as checked' }))
    const dialog = await screen.findByRole('dialog')
    expect(dialog?.textContent).toContain('The finding will no longer count against the zone’s quality score.')
    expect(view.writes).toEqual([])
    await user.click(within(dialog).getByRole('button', { name: 'Mark as checked' }))
    await screen.findByText('The finding is marked as checked.')
    const id = `outlier.${RC_A.id}.202603.${OUTLIER.de}.${OUTLIER.coc}.${OUTLIER.aoc}`
    expect(view.writes).toEqual([
      {
        type: 'create',
        key: 'quality-reviews-202603',
        data: {
          reviews: {
            [id]: {
              status: 'checked',
              by: { id: MANAGER.id, username: MANAGER.username, name: MANAGER.name },
              at: expect.stringMatching(/^2026-12-06T10:/),
            },
          },
        },
      },
    ])
    await waitFor(() => expect(screen.getByText(/^Checked by Afiavi Dossou on 2026-12-06/)).toBeTruthy())
    expect(await section(/^Outliers \(1\)$/)).toBeTruthy()
    // March's score: no open finding left.
    const table = await section(/^Monthly quality score of ZS Ouidah$/)
    await waitFor(() =>
      expect(
        within(table)
          .getAllByRole('row')
          .map((r) => r.textContent),
      ).toContain('March 202620100 %'),
    )
  })

  it('unmarks a follow-up in DHIS2 when a data manager marks it corrected, and still shows it as reviewed', async () => {
    const user = userEvent.setup()
    const view = renderQuality({ user: MANAGER, path: `/qualite?ou=${ZONE.id}` })
    const [followup] = items(await section(/^Values marked for follow-up \(1\)$/))
    await user.click(within(followup!).getByRole('button', { name: 'Mark as corrected' }))
    const dialog = await screen.findByRole('dialog')
    expect(dialog?.textContent).toContain('The value will also be unmarked for follow-up in DHIS2.')
    await user.click(within(dialog).getByRole('button', { name: 'Mark as corrected' }))
    await screen.findByText('The finding is marked as corrected.')
    expect(view.followupChanges).toEqual([
      {
        dataElement: FOLLOWUP.de,
        period: '202609',
        orgUnit: RC_B.id,
        categoryOptionCombo: FOLLOWUP.coc,
        attributeOptionCombo: FOLLOWUP.aoc,
        followup: false,
      },
    ])
    await waitFor(() => expect(screen.getByText(/^Corrected by Afiavi Dossou on 2026-12-06/)).toBeTruthy())
    expect(items(await section(/^Values marked for follow-up \(1\)$/))).toHaveLength(1)
  })

  it('shows a supervisor the findings without review buttons, with a link to the app’s own form', async () => {
    renderQuality({ user: { ...SUPERVISOR, organisationUnits: [{ id: ZONE.id, name: ZONE.displayName, level: 3 }] } })
    const [violation] = items(await section(/^Validation rule violations \(1\)$/))
    expect(within(violation!).getByRole('link', { name: 'Open the form of October 2026' }).getAttribute('href')).toBe(
      `/saisie?ou=${VIOLATION.organisationUnitId}&pe=202610`,
    )
    expect(screen.queryByRole('button', { name: /Mark as/ })).toBeNull()
  })

  it('says when there is nothing to check', async () => {
    renderQuality({ user: MANAGER, path: `/qualite?ou=${ZONE.id}`, clean: true })
    const outliers = await section(/^Outliers \(0\)$/)
    expect(outliers?.textContent).toContain('Nothing found for these months.')
  })

  it('says plainly when the role may not run DHIS2’s checks', async () => {
    renderQuality({ user: MANAGER, path: `/qualite?ou=${ZONE.id}`, forbidden: true })
    expect(
      await screen.findByText(
        /Your role does not allow you to run DHIS2’s data-quality checks \(authority F_RUN_VALIDATION\)/,
      ),
    ).toBeTruthy()
  })
})
