import { SqliteAdapter, sql } from 'kysely';
import type { Db, Tx } from './index.ts';

/**
 * At most this many units share one transaction: the last of them waits for all the others before its reply, so the
 * bound keeps a request's wait near one batch's work however many arrive at once.
 */
const MAX_UNITS = 64;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Unit {
  work: (tx: Tx) => Promise<unknown>;
  settle: (outcome: Outcome) => void;
}

/** How many transactions the batcher committed and how many units they carried: what sharing a commit saved. */
export interface GroupCommitCounts {
  transactions: number;
  units: number;
}

/**
 * Group commit on SQLite. Its one connection runs one write transaction at a time, and each commit with
 * `synchronous=FULL` waits for the disk: one report per transaction made the disk's flush the limit of a county's
 * writes. Units of work that arrive together (in one turn of the event loop, or while a batch runs) share one
 * `BEGIN IMMEDIATE … COMMIT`, each in a savepoint of its own:
 * - a unit that throws is rolled back to its savepoint (its rows, its audit event and the head's advance, its
 *   idempotency claim), and its error goes to its own caller alone; the others go on;
 * - no unit's promise settles before the one commit is durable; if the commit (or a savepoint's rollback) fails,
 *   every unit of the batch fails with it, as one transaction per unit would have;
 * - units run one after another in the order they came, so the audit chain is appended in that order under the
 *   head, which each unit reads as the one before it left it (sealed), or as it was if that one was rolled back.
 */
class GroupCommit {
  private queue: Unit[] = [];
  private scheduled = false;
  private draining = false;
  readonly counts: GroupCommitCounts = { transactions: 0, units: 0 };

  constructor(private readonly db: Db) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, settle: (o) => (o.ok ? resolve(o.value as T) : reject(o.error)) });
      this.schedule();
    });
  }

  /**
   * The batch starts after the event loop's current turn: the requests that arrived in it all join. While a batch
   * runs, new units wait for the next.
   */
  private schedule(): void {
    if (this.scheduled || this.draining) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, MAX_UNITS));
    } finally {
      this.draining = false;
    }
  }

  private async commit(batch: Unit[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.transaction().execute(async (tx) => {
        // Alone, a unit is its transaction: no savepoint to pay for, and its error rolls the transaction back.
        if (batch.length === 1) outcomes.push({ ok: true, value: await (batch[0] as Unit).work(tx) });
        else for (const unit of batch) outcomes.push(await inSavepoint(tx, unit.work));
      });
    } catch (error) {
      for (const unit of batch) unit.settle({ ok: false, error });
      return;
    }
    this.counts.transactions++;
    this.counts.units += batch.length;
    for (const [i, unit] of batch.entries()) unit.settle(outcomes[i] as Outcome);
  }
}

async function inSavepoint(tx: Tx, work: (tx: Tx) => Promise<unknown>): Promise<Outcome> {
  await sql`savepoint unit`.execute(tx);
  try {
    const value = await work(tx);
    await sql`release unit`.execute(tx);
    return { ok: true, value };
  } catch (error) {
    // A rollback that fails (SQLite ended the whole transaction on a disk error) throws: the batch fails as one.
    await sql`rollback to unit`.execute(tx);
    await sql`release unit`.execute(tx);
    return { ok: false, error };
  }
}

const batchers = new WeakMap<Db, GroupCommit>();

function batcherOf(db: Db): GroupCommit {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new GroupCommit(db);
    batchers.set(db, batcher);
  }
  return batcher;
}

/**
 * Runs a small write (a resident's report with its audit event and idempotency claim) in a transaction of its own as
 * far as anyone can tell: all or nothing, durable before the promise settles. On SQLite it shares the commit with the
 * writes that arrive with it (group commit, above). On PostgreSQL it is one transaction: a pool of connections
 * commits many at once already, and the server's own group commit shares their flushes.
 *
 * The work must do everything in `tx` and nothing after it that others could see before the commit: what follows a
 * change (a message, an answer) goes after this promise settles. It must not wait for another write of its own (a
 * query on the database rather than `tx`, another `writeTransaction`): on SQLite the batch holds the one connection.
 */
export function writeTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return db.transaction().execute(work);
  return batcherOf(db).run(work);
}

/** The transactions group commit made on this database and the units they carried (zeros when it made none). */
export function groupCommitCounts(db: Db): GroupCommitCounts {
  return { ...(batchers.get(db)?.counts ?? { transactions: 0, units: 0 }) };
}
