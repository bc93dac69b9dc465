import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { HouseholdPersonTable, HouseholdTable } from '../../db/types.ts';
import type { CryptoProfile } from '../../lib/crypto.ts';
import { SealedLog } from '../../lib/sealed.ts';
import type { ParsedPerson } from './import.layout.ts';

/** A scratch SQLite file written in batched transactions (a connection reading may not also write). */
class Scratch {
  readonly db: SQLite.Database;
  private pending = 0;

  constructor(file: string, schema: string) {
    this.db = new SQLite(file);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -4096');
    this.db.pragma('temp_store = FILE');
    this.db.exec(schema);
    this.db.exec('begin');
  }

  /** Writes are committed every 10,000. */
  wrote(): void {
    if (++this.pending >= 10_000) {
      this.db.exec('commit');
      this.db.exec('begin');
      this.pending = 0;
    }
  }

  commit(): void {
    if (this.db.inTransaction) this.db.exec('commit');
  }

  close(): void {
    this.commit();
    this.db.close();
  }
}

type Prepared = { household: HouseholdTable; people: HouseholdPersonTable[] };

/**
 * An import's rows on disk, in the job's scratch folder, so that a register of a million people is checked and
 * written with bounded memory. The rows' keys (row, household number, ID number's blind index) are kept in a scratch
 * SQLite file (no journal, no fsync: it is thrown away), grouped by household and searched for duplicates there; the
 * rows themselves (names, ID numbers, phones, health) only in a sealed file beside it, by position. The prepared rows
 * wait in a second sealed file for the one transaction that writes them all.
 */
export class ImportScratch {
  /** The file's rows by key, read once and then queried. */
  private readonly rows: Scratch;
  /** The rows themselves, where `rows` points. */
  private readonly people: SealedLog;
  /** The prepared rows, each with its length before it, written while the households are read. */
  private readonly out: SealedLog;
  private readonly insertPerson: SQLite.Statement;
  private readonly insertSpoiled: SQLite.Statement;

  constructor(folder: string, profile: CryptoProfile = 'standard') {
    this.rows = new Scratch(
      path.join(folder, 'rows.db'),
      `create table people (row integer primary key, household_no text not null, id_key text not null, at integer not null, length integer not null);
       create table spoiled (household_no text primary key);`,
    );
    this.people = new SealedLog(path.join(folder, 'rows.sealed'), profile);
    this.out = new SealedLog(path.join(folder, 'prepared.sealed'), profile);
    this.insertPerson = this.rows.db.prepare(
      'insert into people (row, household_no, id_key, at, length) values (?, ?, ?, ?, ?)',
    );
    this.insertSpoiled = this.rows.db.prepare('insert or ignore into spoiled (household_no) values (?)');
  }

  addPerson(p: ParsedPerson, idKey: string): void {
    const data = Buffer.from(JSON.stringify(p));
    this.insertPerson.run(p.row, p.householdNo, idKey, this.people.append(data), data.length);
    this.rows.wrote();
  }

  /** A household with a wrong row: its own checks wait until its rows are right (one mistake, one error). */
  spoil(householdNo: string): void {
    this.insertSpoiled.run(householdNo);
    this.rows.wrote();
  }

  /** Ends the reading pass: indexes for grouping and for duplicates; from here on the rows are only read. */
  finishReading(): void {
    this.rows.commit();
    this.people.flush();
    this.rows.db.exec(
      'create index people_household on people (household_no, row); create index people_key on people (id_key, row)',
    );
  }

  /** Rows whose ID number came earlier in the file, with the row it first came on. */
  *repeatedIds(): Generator<{ row: number; first: number }> {
    yield* this.rows.db
      .prepare(
        `select p.row, f.first from people p
         join (select id_key, min(row) as first from people group by id_key having count(*) > 1) f on f.id_key = p.id_key
         where p.row <> f.first order by p.row`,
      )
      .iterate() as IterableIterator<{ row: number; first: number }>;
  }

  /** The file's ID numbers (blind-index keys, each once), in chunks, with the row each first came on. */
  *idKeys(chunk: number): Generator<Map<string, number>> {
    let batch = new Map<string, number>();
    for (const r of this.rows.db
      .prepare('select id_key, min(row) as row from people group by id_key')
      .iterate() as IterableIterator<{ id_key: string; row: number }>) {
      batch.set(r.id_key, r.row);
      if (batch.size >= chunk) {
        yield batch;
        batch = new Map();
      }
    }
    if (batch.size) yield batch;
  }

  /**
   * The households without a wrong row, one at a time, in the order they first appear in the file, with each
   * member's ID number as its blind-index key (computed once, as the rows were read).
   */
  *households(): Generator<{ householdNo: string; members: ParsedPerson[]; idKeys: string[] }> {
    let current: { householdNo: string; members: ParsedPerson[]; idKeys: string[] } | null = null;
    const rows = this.rows.db
      .prepare(
        `select p.household_no, p.id_key, p.at, p.length from people p
         join (select household_no, min(row) as first from people group by household_no) f on f.household_no = p.household_no
         where p.household_no not in (select household_no from spoiled)
         order by f.first, p.row`,
      )
      .iterate() as IterableIterator<{ household_no: string; id_key: string; at: number; length: number }>;
    for (const r of rows) {
      if (current && current.householdNo !== r.household_no) {
        yield current;
        current = null;
      }
      current ??= { householdNo: r.household_no, members: [], idKeys: [] };
      current.members.push(JSON.parse(this.people.read(r.at, r.length).toString('utf8')) as ParsedPerson);
      current.idKeys.push(r.id_key);
    }
    if (current) yield current;
  }

  addPrepared(rows: Prepared): void {
    const data = Buffer.from(JSON.stringify(rows));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(data.length);
    this.out.append(length);
    this.out.append(data);
  }

  /** The prepared rows, in batches of about `size` households. */
  *prepared(size: number): Generator<Prepared[]> {
    let batch: Prepared[] = [];
    for (let at = 0; at < this.out.size; ) {
      const length = this.out.read(at, 4).readUInt32LE(0);
      batch.push(JSON.parse(this.out.read(at + 4, length).toString('utf8')) as Prepared);
      at += 4 + length;
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  close(): void {
    this.rows.close();
    this.people.close();
    this.out.close();
  }
}
