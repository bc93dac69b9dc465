import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ISO_DATE, USER_ROLES, addDays } from '@lianjian/shared';
import { createDb, migrate } from './db/index.ts';
import { loadConfig } from './lib/config.ts';
import { systemActor } from './lib/actor.ts';
import { CRYPTO_PROFILES, type CryptoProfile, type DataCipher, KEY_PURPOSES, type KeyPurpose } from './lib/crypto.ts';
import { KeyJobError, runKeyJob, startKeyJob } from './ops/key-jobs.ts';
import { DataKeyError } from './lib/data-key.ts';
import { AuditTrail } from './modules/audit/audit.trail.ts';
import { hashPassword } from './lib/passwords.ts';
import { loadCounty } from './seed/division.ts';
import { cloneCounties } from './seed/province.ts';
import { writeRegisterSample } from './seed/register-sample.ts';
import { growCounty } from './seed/scale.ts';
import { type Manifest, backup, manifestPath, restore, verify } from './ops/backup.ts';
import { lastFinishedDay, takeSnapshots } from './modules/stats/snapshots.ts';
import { computeCounties } from './modules/assessment/counties.ts';
import { startServer } from './server.ts';
import { generatePassword } from './lib/passwords.ts';
import { coverageBeyondParent } from './lib/scope.ts';
import { Problem } from './lib/problem.ts';
import { accountsOutOfShape } from './modules/users/account-shape.ts';
import { CreateUserBody } from './modules/users/users.schemas.ts';
import { UserService } from './modules/users/users.service.ts';
import { isEmpty, loadDemo, openDataKey } from './setup.ts';
import { unsignedActs, verifySignatures } from './modules/signatures/signatures.service.ts';
import { known } from './lib/known.ts';

const HELP = `lianjian <command>
  start                         migrate, load the demo county on first start, serve
  migrate                       apply pending database migrations
  seed --demo                   load the Nanzhao demo county into an empty database
  seed --scale county|province  the demo county grown to a full registry (about 20,000 households, 20,000 items);
                                province: 100 such counties (for benchmarks)
  create-user --username U --role R [--region CODE] [--org ID] [--acting-party-org ID] [--member ID] [--name N]
                                create a user, its scope as its role asks (an administrator a region, a branch
                                secretary or member an organization and its person); prints a one-time password
                                unless LIANJIAN_USER_PASSWORD is set
  import-regions --county CODE [--townships 100,101,…]
                                load a county, its townships and villages from the official division data
  ledgers --year YYYY [--region CODE] [--concurrency N]
                                a year's ledgers of every county under CODE (default: all) that has a scheme for
                                it, each county as its administrator's "compute the whole county"; on PostgreSQL
                                N counties at a time (default 3)
  verify-audit                  check the audit hash chain
  rotate-keys [--purpose field|index|audit|signing]
                                new versions of the data keys (default: every purpose), wrapped by the master key;
                                re-encrypts fields and recomputes blind indexes batch by batch while the app runs;
                                run again after an interruption, it goes on where it stopped
  switch-crypto --to gm|standard
                                the same job, to the other cryptographic profile (SM4/SM3/SM2 or AES/SHA-256/Ed25519)
  verify-signatures             check the signatures on acts (exit announced, dissolution…) against the records
                                and the published keys; reports the first failure
  check-coverage                list organizations placed or covering beyond their parent's coverage
  check-accounts                list accounts whose role and scope disagree
  stats-snapshot [--date D | --from D --to D] [--force]
                                take the daily county snapshots behind overviews wider than a county (default:
                                yesterday; the server takes it every night)
  backup --out FILE             consistent backup while the app runs (SQLite VACUUM INTO, pg_dump of a snapshot),
                                with FILE.manifest.json holding its row counts
  restore --from FILE           restore a backup into the fresh, empty database of DATABASE_URL
  verify [--manifest FILE]      integrity check, audit chain and row counts (against a backup's manifest)
  register-sample --out FILE --rows N [--region CODE] [--serial K] [--bad-row R]
                                write a generated register CSV (import layout) for villages under CODE
roles: ${USER_ROLES.join(', ')}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  if (command === 'start') {
    await startServer();
    return -1;
  }
  // Backup and restore open their own connections; restore must find its target untouched. A backup is a copy and
  // needs no key.
  if (command === 'backup') {
    const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
    if (!values.out) {
      console.error('backup: --out FILE is required');
      return 2;
    }
    const m = await backup(config.databaseUrl, values.out);
    console.log(
      `backup written: ${values.out} (${Object.keys(m.tables).length} tables, ${m.auditEvents} audit events)`,
    );
    return 0;
  }
  if (command === 'restore') {
    const { values } = parseArgs({ args: rest, options: { from: { type: 'string' } } });
    if (!values.from) {
      console.error('restore: --from FILE is required');
      return 2;
    }
    await restore(values.from, config.databaseUrl);
    const manifestFile = manifestPath(values.from);
    const manifest = fs.existsSync(manifestFile)
      ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest)
      : undefined;
    const restored = createDb(config.databaseUrl);
    try {
      // The restored database is checked with the key it will be served with, before a server is started on it.
      const audit = AuditTrail.of(await openDataKey(restored.db, { record: false }));
      const report = await verify(restored, audit, manifest);
      const failure = JSON.stringify({
        integrity: report.integrity,
        audit: report.audit,
        signatures: report.signatures,
        mismatches: report.mismatches,
      });
      console.log(report.ok ? 'restored and verified' : `restored, but verify FAILED: ${failure}`);
      return report.ok ? 0 : 1;
    } catch (err) {
      if (!(err instanceof DataKeyError)) throw err;
      console.error(`restored, but the key does not open it: ${err.message}`);
      return 1;
    } finally {
      await restored.close();
    }
  }
  const handle = createDb(config.databaseUrl);
  try {
    // Commands that write with the data key or the audit trail open the key as the server does: only the key the
    // database was written with, recorded at its first use. Those that check it only read.
    let cipher: DataCipher | null = null;
    if (['seed', 'create-user', 'import-regions', 'ledgers'].includes(command ?? '')) {
      await migrate(handle.db);
      cipher = await openDataKey(handle.db);
    } else if (command === 'rotate-keys' || command === 'switch-crypto') {
      await migrate(handle.db);
      // The database says which profile it is under; LIANJIAN_CRYPTO may already name the one being switched to.
      const { LIANJIAN_CRYPTO: _said, ...env } = process.env;
      cipher = await openDataKey(handle.db, { env });
    } else if (command === 'verify-audit' || command === 'verify' || command === 'verify-signatures') {
      cipher = await openDataKey(handle.db, { record: false });
    }
    // The trail of this database, keyed with the key just opened: what the command writes or verifies is chained under it.
    const trail = (): AuditTrail => {
      if (!cipher) throw new Error(`${command}: the data key was not opened`);
      return AuditTrail.of(cipher);
    };
    switch (command) {
      case 'register-sample': {
        const { values } = parseArgs({
          args: rest,
          options: {
            out: { type: 'string' },
            rows: { type: 'string' },
            region: { type: 'string' },
            serial: { type: 'string' },
            'bad-row': { type: 'string' },
          },
        });
        if (!values.out || !values.rows) {
          console.error(HELP);
          return 2;
        }
        const villages = (
          await handle.db
            .selectFrom('regions')
            .select('code')
            .where('level', '=', 'village')
            .where('code', 'like', `${values.region ?? ''}%`)
            .orderBy('code')
            .execute()
        ).map((r) => r.code);
        if (!villages.length) {
          console.error('register-sample: no villages under that region; load the county first');
          return 1;
        }
        const r = await writeRegisterSample(values.out, {
          rows: Number(values.rows),
          villages,
          serial: values.serial ? Number(values.serial) : 0,
          badRow: values['bad-row'] ? Number(values['bad-row']) : undefined,
        });
        console.log(`${values.out}: ${r.rows} rows, ${r.households} households`);
        return 0;
      }
      case 'migrate': {
        const applied = await migrate(handle.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        return 0;
      }
      case 'seed': {
        const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' }, scale: { type: 'string' } } });
        if (!values.demo && values.scale !== 'county' && values.scale !== 'province') {
          console.error('seed: --demo, or --scale county|province');
          return 2;
        }
        await migrate(handle.db);
        if (!(await isEmpty(handle))) {
          console.error('seed: the database already has users; refusing to load the demo county into it');
          return 1;
        }
        const started = performance.now();
        await loadDemo(handle, config, (s) => console.log(s), cipher as DataCipher);
        if (values.scale) {
          await growCounty(handle.db, cipher as DataCipher, { log: (s) => process.stdout.write(`\r${s.padEnd(60)}`) });
          console.log(`\ncounty scale in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        }
        if (values.scale === 'province') {
          await cloneCounties(config.databaseUrl, cipher as DataCipher, {
            log: (s) => process.stdout.write(`\r${s.padEnd(70)}`),
          });
          console.log(`\nprovince scale in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        }
        return 0;
      }
      case 'create-user': {
        const { values } = parseArgs({
          args: rest,
          options: {
            username: { type: 'string' },
            role: { type: 'string' },
            region: { type: 'string' },
            org: { type: 'string' },
            'acting-party-org': { type: 'string' },
            member: { type: 'string' },
            name: { type: 'string' },
          },
        });
        const asked = CreateUserBody.safeParse({
          username: values.username,
          displayName: values.name ?? values.username,
          role: values.role,
          regionCode: values.region ?? null,
          orgId: values.org ?? null,
          actingPartyOrgId: values['acting-party-org'] ?? null,
          memberId: values.member ?? null,
        });
        if (!asked.success) {
          console.error(
            `create-user: ${asked.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n${HELP}`,
          );
          return 2;
        }
        // The same checks, unique name and audit row as an account the security administrator opens; no second
        // person, since the operator opens the first administrators. A printed or scripted password is a shared
        // secret: the user replaces it at first login.
        const password = process.env.LIANJIAN_USER_PASSWORD || generatePassword();
        try {
          await new UserService(handle.db, trail()).openAsOperator(asked.data, await hashPassword(password));
        } catch (err) {
          if (!(err instanceof Problem)) throw err;
          console.error(
            `create-user: ${err.message}${err.errors ? ` (${err.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})` : ''}`,
          );
          return 1;
        }
        console.log(
          `created ${asked.data.username}${process.env.LIANJIAN_USER_PASSWORD ? '' : `, one-time password: ${password}`}`,
        );
        return 0;
      }
      case 'import-regions': {
        const { values } = parseArgs({
          args: rest,
          options: { county: { type: 'string' }, townships: { type: 'string' } },
        });
        if (!values.county || !/^\d{6}$/.test(values.county)) {
          console.error('import-regions: --county takes a six-digit county code');
          return 2;
        }
        await migrate(handle.db);
        const suffixes = values.townships
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const regions = await loadCounty(values.county, suffixes);
        const existing = new Set(
          (
            await handle.db.selectFrom('regions').select('code').where('code', 'like', `${values.county}%`).execute()
          ).map((r) => r.code),
        );
        const fresh = regions.filter((r) => !existing.has(r.code));
        await handle.db.transaction().execute(async (tx) => {
          for (let i = 0; i < fresh.length; i += 200)
            await tx
              .insertInto('regions')
              .values(fresh.slice(i, i + 200))
              .execute();
          await trail().record(tx, systemActor('cli'), {
            action: 'regions.import',
            entityType: 'county',
            entityId: values.county as string,
            after: { added: fresh.length },
          });
        });
        console.log(`regions: ${fresh.length} added, ${regions.length - fresh.length} already present`);
        return 0;
      }
      case 'verify': {
        const { values } = parseArgs({ args: rest, options: { manifest: { type: 'string' } } });
        const manifest = values.manifest
          ? (JSON.parse(fs.readFileSync(values.manifest, 'utf8')) as Manifest)
          : undefined;
        const report = await verify(handle, trail(), manifest);
        console.log(`integrity: ${report.integrity}`);
        console.log(
          report.audit.ok
            ? `audit chain intact: ${report.audit.count} events`
            : `audit chain BROKEN at event ${report.audit.brokenAt} (${report.audit.reason})`,
        );
        const sf = report.signatures.failure;
        console.log(
          sf
            ? `signature check FAILED: ${sf.act} ${sf.entityId} (${sf.reason})`
            : `signatures verified: ${report.signatures.count}`,
        );
        for (const [t, n] of Object.entries(report.tables)) console.log(`  ${t.padEnd(28)} ${n}`);
        for (const m of report.mismatches) console.log(`MISMATCH ${m.table}: expected ${m.expected}, found ${m.found}`);
        console.log(report.ok ? 'verify: OK' : 'verify: FAILED');
        return report.ok ? 0 : 1;
      }
      case 'stats-snapshot': {
        const { values } = parseArgs({
          args: rest,
          options: {
            date: { type: 'string' },
            from: { type: 'string' },
            to: { type: 'string' },
            force: { type: 'boolean' },
          },
        });
        const last = lastFinishedDay();
        const from = values.date ?? values.from ?? last;
        const to = values.date ?? values.to ?? from;
        if (![from, to].every((d) => ISO_DATE.test(d)) || to > last || from > to) {
          console.error(
            `stats-snapshot: dates are YYYY-MM-DD, from ≤ to, and no later than ${last} (a day is taken once it is over)`,
          );
          return 2;
        }
        for (let day = from; day <= to; day = addDays(day, 1)) {
          const run = await takeSnapshots(handle.db, day, {
            force: values.force,
            progress: (done, total, county) => process.stdout.write(`\r${day}: ${done}/${total} ${county}        `),
          });
          process.stdout.write(
            `\r${day}: ${run.computed} of ${run.counties} counties taken in ${run.seconds.toFixed(1)} s\n`,
          );
        }
        return 0;
      }
      case 'ledgers': {
        const { values } = parseArgs({
          args: rest,
          options: { year: { type: 'string' }, region: { type: 'string' }, concurrency: { type: 'string' } },
        });
        const year = Number(values.year);
        const concurrency = values.concurrency === undefined ? 3 : Number(values.concurrency);
        if (
          !Number.isInteger(year) ||
          (values.region !== undefined && !/^\d{2,6}$/.test(values.region)) ||
          !(Number.isInteger(concurrency) && concurrency >= 1)
        ) {
          console.error(
            'ledgers: --year YYYY [--region CODE (a province, prefecture or county)] [--concurrency N ≥ 1]',
          );
          return 2;
        }
        const started = performance.now();
        const run = await computeCounties(handle.db, trail(), handle.dialect, {
          year,
          region: values.region,
          concurrency,
          progress: (done, total) => process.stdout.write(`\r${year}: ${done}/${total} counties`),
        });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(`\r${year}: ${run.ledgers} ledgers in ${run.counties} counties, ${seconds} s\n`);
        if (run.withoutScheme.length) console.log(`no ${year} scheme, not computed: ${run.withoutScheme.join(', ')}`);
        return 0;
      }
      case 'check-coverage': {
        // Coverage nests (a child inside its parent): checked once on a county's tree made before the rule held.
        const beyond = await coverageBeyondParent(handle.db);
        for (const o of beyond) console.log(`BEYOND PARENT ${o.id} ${o.name}: ${o.regionCode}`);
        console.log(
          beyond.length
            ? `check-coverage: ${beyond.length} covered places lie beyond their parent's`
            : 'check-coverage: OK',
        );
        return beyond.length ? 1 : 0;
      }
      case 'check-accounts': {
        // Every account's role and scope agree: checked once on accounts made before the rule held (an older create-user).
        const wrong = await accountsOutOfShape(handle.db);
        for (const a of wrong)
          console.log(
            `OUT OF SHAPE ${a.id} ${a.username} (${a.role}): ${a.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
          );
        console.log(
          wrong.length
            ? `check-accounts: ${wrong.length} accounts whose role and scope disagree`
            : 'check-accounts: OK',
        );
        return wrong.length ? 1 : 0;
      }
      case 'verify-signatures': {
        const r = await verifySignatures(handle.db, known(trail().signer, 'the act signer'));
        const f = r.failure;
        console.log(
          f
            ? `signature check FAILED after ${r.count} good: ${f.act} ${f.entityId} (${f.reason})`
            : `signatures verified: ${r.count}`,
        );
        // Said, not failed: acts from before signing began, or loaded by the demo or an import, have none.
        const unsigned = Object.entries(await unsignedActs(handle.db));
        if (unsigned.length)
          console.log(`acts without a signature: ${unsigned.map(([act, n]) => `${act} ${n}`).join(', ')}`);
        return r.ok ? 0 : 1;
      }
      case 'rotate-keys':
      case 'switch-crypto': {
        const { values } = parseArgs({ args: rest, options: { purpose: { type: 'string' }, to: { type: 'string' } } });
        const purposes = values.purpose ? values.purpose.split(',') : undefined;
        if (purposes?.some((p) => !(KEY_PURPOSES as readonly string[]).includes(p))) {
          console.error(`rotate-keys: --purpose is one or more of ${KEY_PURPOSES.join(', ')}`);
          return 2;
        }
        if (command === 'switch-crypto' && !(CRYPTO_PROFILES as readonly string[]).includes(values.to ?? '')) {
          console.error('switch-crypto: --to gm|standard');
          return 2;
        }
        const db = handle.db;
        const ring = cipher as DataCipher;
        try {
          const job = await startKeyJob(
            db,
            ring,
            trail(),
            command === 'rotate-keys'
              ? { kind: 'rotate', purposes: purposes as KeyPurpose[] | undefined }
              : { kind: 'switch', to: values.to as CryptoProfile },
          );
          console.log(job.resumed ? `resuming key job ${job.id}` : `key job ${job.id} started`);
          const batch = Number(process.env.LIANJIAN_KEY_JOB_BATCH ?? 500);
          await runKeyJob(db, ring, trail(), job.id, {
            print: (l) => console.log(l),
            batch: Number.isInteger(batch) && batch > 0 ? batch : 500,
          });
        } catch (e) {
          if (!(e instanceof KeyJobError)) throw e;
          console.error(e.message);
          return 1;
        }
        const r = await trail().verify(db);
        console.log(
          r.ok ? `audit chain intact: ${r.count} events` : `audit chain BROKEN at event ${r.brokenAt} (${r.reason})`,
        );
        return r.ok ? 0 : 1;
      }
      case 'verify-audit': {
        const r = await trail().verify(handle.db);
        console.log(
          r.ok ? `audit chain intact: ${r.count} events` : `audit chain BROKEN at event ${r.brokenAt} (${r.reason})`,
        );
        return r.ok ? 0 : 1;
      }
      default:
        console.log(HELP);
        return command ? 2 : 0;
    }
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
