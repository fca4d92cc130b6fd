import { ComingSoon } from '../app/ComingSoon'

/** Tableau de bord — RC performance (supervisors, data managers). */
export function DashboardPage() {
  return <ComingSoon screen="tableau-de-bord" />
}
