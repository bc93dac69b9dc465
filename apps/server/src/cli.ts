import { parseArgs } from 'node:util';
import { USER_ROLES, type UserRole } from '@lianjian/shared';
import { createDb, migrate } from './db/index.ts';
import { newId, nowIso } from './lib/ids.ts';
import { loadConfig } from './lib/config.ts';
import { verifyAuditChain } from './modules/audit/audit.service.ts';
import { hashPassword } from './modules/auth/auth.routes.ts';
import { startServer } from './server.ts';
import { generatePassword, isEmpty, loadDemo } from './setup.ts';

const HELP = `lianjian <command>
  start                         migrate, load the demo county on first start, serve
  migrate                       apply pending database migrations
  seed --demo                   load the Nanzhao demo county into an empty database
  create-user --username U --role R [--region CODE] [--org ID] [--acting-party-org ID] [--name N]
                                create a user; prints a one-time password unless LIANJIAN_USER_PASSWORD is set
  verify-audit                  check the audit hash chain
roles: ${USER_ROLES.join(', ')}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  if (command === 'start') {
    await startServer();
    return -1;
  }
  const handle = createDb(config.databaseUrl);
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrate(handle.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        return 0;
      }
      case 'seed': {
        const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' } } });
        if (!values.demo) {
          console.error('seed: only --demo is available');
          return 2;
        }
        await migrate(handle.db);
        if (!(await isEmpty(handle))) {
          console.error('seed: the database already has users; refusing to load the demo county into it');
          return 1;
        }
        await loadDemo(handle, config, (s) => console.log(s));
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
            name: { type: 'string' },
          },
        });
        if (!values.username || !values.role || !USER_ROLES.includes(values.role as UserRole)) {
          console.error(HELP);
          return 2;
        }
        if (!values.region && !values.org) {
          console.error('create-user: a user needs a scope: --region CODE and/or --org ID');
          return 2;
        }
        await migrate(handle.db);
        const password = process.env.LIANJIAN_USER_PASSWORD || generatePassword();
        const now = nowIso();
        await handle.db
          .insertInto('users')
          .values({
            id: newId(),
            username: values.username,
            password_hash: await hashPassword(password),
            display_name: values.name ?? values.username,
            role: values.role,
            scope_region_code: values.region ?? null,
            scope_org_id: values.org ?? null,
            acting_party_org_id: values['acting-party-org'] ?? null,
            member_id: null,
            active: 1,
            version: 1,
            created_at: now,
            updated_at: now,
          })
          .execute();
        console.log(`created ${values.username}${process.env.LIANJIAN_USER_PASSWORD ? '' : `, one-time password: ${password}`}`);
        return 0;
      }
      case 'verify-audit': {
        const r = await verifyAuditChain(handle.db);
        console.log(r.ok ? `audit chain intact: ${r.count} events` : `audit chain BROKEN at event ${r.brokenAt}`);
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
