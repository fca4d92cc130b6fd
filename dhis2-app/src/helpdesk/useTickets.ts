import { useDataEngine } from '@dhis2/app-runtime'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { loadTickets, loadZoneNames } from './helpdeskApi'
import { ticketFromConversation, type ConversationJson, type Ticket } from './tickets'

/** The desk sees a new ticket within 30 s (issue 15 §2): it asks DHIS2 every 20 s. */
export const DESK_POLL_MS = 20_000
/** The RC's answers come back within 30 s too. */
export const RC_POLL_MS = 30_000

export interface TicketsState {
  tickets: Ticket[] | undefined
  /** The last load's error; the tickets of the load before stay shown (a poll on a bad network). */
  error: unknown
  reload: () => Promise<void>
}

/** The tickets the person takes part in, asked again every `pollMs` and whenever `refreshKey` changes. */
export function useTickets({
  pollMs,
  showInternal,
  refreshKey = 0,
}: {
  pollMs: number
  showInternal: boolean
  refreshKey?: number
}): TicketsState {
  const engine = useDataEngine()
  const [state, setState] = useState<{ data?: ConversationJson[]; error?: unknown }>({})
  const alive = useRef(true)
  useEffect(
    () => () => {
      alive.current = false
    },
    [],
  )
  const reload = useCallback(async () => {
    try {
      const data = await loadTickets(engine)
      if (alive.current) setState({ data })
    } catch (error) {
      if (alive.current) setState((s) => ({ ...s, error }))
    }
  }, [engine])
  useEffect(() => {
    void reload()
  }, [reload, refreshKey])
  useEffect(() => {
    const timer = setInterval(() => void reload(), pollMs)
    return () => clearInterval(timer)
  }, [reload, pollMs])
  const tickets = useMemo(
    () => state.data?.map((c) => ticketFromConversation(c, { showInternal })),
    [state.data, showInternal],
  )
  return { tickets, error: state.error, reload }
}

/** The names of the tickets' zones, asked once per new zone. */
export function useZoneNames(tickets: readonly Ticket[] | undefined): Map<string, string> {
  const engine = useDataEngine()
  const [names, setNames] = useState<Map<string, string>>(new Map())
  const ids = useMemo(() => [...new Set((tickets ?? []).flatMap((t) => t.zoneId ?? []))].sort(), [tickets])
  const missing = ids.filter((id) => !names.has(id))
  const key = missing.join(',')
  useEffect(() => {
    if (!key) return
    let current = true
    loadZoneNames(engine, key.split(','))
      .then((found) => {
        if (current) setNames((before) => new Map([...before, ...found]))
      })
      .catch(() => {
        // The zone's id stays shown; the next new zone asks again.
      })
    return () => {
      current = false
    }
  }, [engine, key])
  return names
}
