/**
 * What a backup of the ledger walks: every table of the ledger's schema (found, not listed, so a table added by a
 * later migration is backed up without a change here), parents before children (foreign keys), each with its
 * primary key (the order rows are read and hashed in) and its identity columns (to be set again on restore).
 */
import type { Db } from '../ledger'

export interface LedgerTable {
  name: string
  /** Primary key columns, in key order; the rows' order in the backup. */
  key: string[]
  /** `GENERATED … AS IDENTITY` and serial columns: restored as they were, then their sequence moved past them. */
  identity: string[]
}

/** The migrations' own table is not data: a restore recreates it by migrating. */
const NOT_DATA = new Set(['schema_migrations'])

export async function ledgerTables(db: Db): Promise<LedgerTable[]> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )
  const keys = await db.query<{ table_name: string; column_name: string; position: number }>(
    `SELECT tc.table_name, kcu.column_name, kcu.ordinal_position::int AS position
     FROM information_schema.table_constraints tc
     JOIN information_schema.key_column_usage kcu
       ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
     WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'
     ORDER BY tc.table_name, kcu.ordinal_position`,
  )
  // Identity columns and serial ones (a sequence in their default): both are set again after a restore.
  const identity = await db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`,
  )
  const references = await db.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  )
  const all: LedgerTable[] = tables
    .filter((t) => !NOT_DATA.has(t.name))
    .map((t) => ({
      name: t.name,
      key: keys.filter((k) => k.table_name === t.name).map((k) => k.column_name),
      identity: identity.filter((c) => c.table_name === t.name).map((c) => c.column_name),
    }))
  return parentsFirst(all, references)
}

/** A topological order (Kahn's), ties by name so that two backups of one schema list tables alike. */
export function parentsFirst(
  tables: readonly LedgerTable[],
  references: ReadonlyArray<{ child: string; parent: string }>,
): LedgerTable[] {
  const names = new Set(tables.map((t) => t.name))
  const parents = new Map(tables.map((t) => [t.name, new Set<string>()]))
  for (const { child, parent } of references)
    if (child !== parent && names.has(child) && names.has(parent)) parents.get(child)!.add(parent)
  const ordered: LedgerTable[] = []
  const left = [...tables].sort((a, b) => a.name.localeCompare(b.name))
  while (left.length > 0) {
    const ready = left.findIndex((t) => [...parents.get(t.name)!].every((p) => ordered.some((o) => o.name === p)))
    // A cycle of foreign keys (none in the ledger): take the rest in name order rather than loop forever.
    const [next] = left.splice(ready >= 0 ? ready : 0, 1)
    ordered.push(next!)
  }
  return ordered
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`
