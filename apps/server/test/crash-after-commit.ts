import SQLite from 'better-sqlite3';
import {
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresDialect,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import type { DbHandle } from '../src/db/index.ts';
import type { Database } from '../src/db/types.ts';

/**
 * A handle on a whole database (a file, or a PostgreSQL database) whose process dies, as far as the database can
 * tell, right after it commits its next business transaction (one that wrote an audit row): from then on every
 * statement and every new connection fails, so nothing the process meant to do after that commit reaches the
 * database. The database itself is the real one; a second, ordinary handle on it is the restarted server.
 */
export function dyingHandle(url: string): DbHandle & { arm(): void; dead(): boolean } {
  const state = { armed: false, audited: false, dead: false };
  const gone = () => new Error('the server process is gone');
  const inner: Dialect = url.startsWith('postgres')
    ? new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) })
    : new SqliteDialect({ database: sqliteFile(url.slice('sqlite:'.length)) });
  const watch: KyselyPlugin = {
    transformQuery({ node }: PluginTransformQueryArgs) {
      if (state.dead) throw gone();
      if (state.armed && node.kind !== 'SelectQueryNode' && JSON.stringify(node).includes('"audit_events"'))
        state.audited = true;
      return node;
    },
    async transformResult({ result }: PluginTransformResultArgs) {
      return result;
    },
  };
  const dialect: Dialect = {
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createDriver: () => {
      const driver = inner.createDriver();
      return new Proxy(driver, {
        get(target, prop) {
          if (prop === 'acquireConnection') {
            return async () => {
              if (state.dead) throw gone();
              return target.acquireConnection();
            };
          }
          if (prop === 'commitTransaction') {
            return async (connection: DatabaseConnection) => {
              await target.commitTransaction(connection);
              if (state.armed && state.audited) state.dead = true;
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as Driver;
    },
  };
  const db = new Kysely<Database>({ dialect, plugins: [watch] });
  return {
    db,
    dialect: url.startsWith('postgres') ? 'postgres' : 'sqlite',
    close: () => db.destroy(),
    arm() {
      state.armed = true;
      state.audited = false;
    },
    dead: () => state.dead,
  };
}

function sqliteFile(file: string): SQLite.Database {
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return database;
}
