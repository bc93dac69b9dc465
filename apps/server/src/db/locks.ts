import { sql } from 'kysely';
import type { Executor } from './index.ts';

/**
 * Parent rows whose children are numbered from the largest number so far (max + 1), or counted by a rule ("one
 * primary helper", "one open application"): households; an account counting its reserved tracking codes: users; an
 * item a resident's text reply answers (two replies at once take turns): items.
 */
type Held = 'temporary_orgs' | 'problem_lists' | 'assessment_schemes' | 'households' | 'users' | 'items';

/**
 * Holds one parent row for the rest of the transaction, so that writers numbering its children (list numbers in an
 * organization, item numbers in a list, ledger versions of a scheme) or checking a rule over them (a household's one
 * primary helper, its one open exit application or monitoring case) take turns: on PostgreSQL a row updated by one
 * transaction waits for it to end before another can update it; SQLite's write transactions already run one at a
 * time. Without it two requests read the same max and either collide on the unique number (a 500) or, where no
 * index guards the number, both keep it.
 */
export async function holdRow(tx: Executor, table: Held, id: string): Promise<void> {
  await sql`update ${sql.table(table)} set version = version where id = ${id}`.execute(tx);
}
