import type { Executor } from '../db/index.ts';
import type { Database } from '../db/types.ts';

export type Row<T extends keyof Database> = { [K in keyof Database[T]]: Database[T][K] };

/** Inserts rows in chunks (one statement per chunk), in the caller's transaction. */
export async function insertMany<T extends keyof Database>(db: Executor, table: T, rows: Row<T>[], chunk = 200) {
  for (let i = 0; i < rows.length; i += chunk) {
    // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot type an insert into a table chosen at run time
    await db.insertInto(table).values(rows.slice(i, i + chunk) as any).execute();
  }
}
