import classes from '../Dashboard.module.css'

/** One figure of the dashboard: its label, its value and, below, what it counts. */
export function Card({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className={classes.card}>
      <span className={classes.cardLabel}>{label}</span>
      <strong className={classes.cardValue} aria-label={`${label} ${value}`}>
        {value}
      </strong>
      {detail && <span className={classes.cardDetail}>{detail}</span>}
    </div>
  )
}
