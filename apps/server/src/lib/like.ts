import { type RawBuilder, type SqlBool, sql } from 'kysely';

// A user's search term is text, never a pattern: `%` and `_` would otherwise match anything (`q=%` listed every
// record), and the escape character must escape itself. The ESCAPE clause is written out because SQLite has
// no default escape character and PostgreSQL's (also the backslash) is a setting.
const escaped = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The column holds the term anywhere, taken literally. */
export const contains = (column: string, term: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`${sql.ref(column)} like ${`%${escaped(term)}%`} escape '\\'`;

/** The column begins with the term, taken literally. */
export const startsWith = (column: string, term: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`${sql.ref(column)} like ${`${escaped(term)}%`} escape '\\'`;
