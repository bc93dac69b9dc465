import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.ts';
import { checkDurability, createDb } from './db/index.ts';
import { loadConfig } from './lib/config.ts';
import { passwordPolicyFromEnv } from './modules/auth/password-policy.ts';
import { importJobsFromEnv, importLimitsFromEnv, sweepInterval } from './modules/households/import.service.ts';
import { ScratchSpace } from './lib/scratch.ts';
import { dispatchNotices, dispatchOptionsFromEnv, noticeStartWarnings, purgeNoticePhones } from './lib/notices.ts';
import { noticeProviders, providerConfigFromEnv } from './lib/notice-providers.ts';
import { lastFinishedDay, latestSnapshotDay, takeSnapshots } from './modules/stats/snapshots.ts';
import { prepareDatabase } from './setup.ts';
import { loadKeyRing } from './lib/data-key.ts';
import { keyRefreshMs } from './ops/key-jobs.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Starts the server: migrate, load the demo county on first start, listen; stops cleanly on signals. */
export async function startServer(): Promise<void> {
  const config = loadConfig(process.env, path.resolve(here, '../../web/dist'));
  // Imports keep personal data in transit under the data directory, never in the system's temporary directory, and
  // what a stopped server left there goes before this one serves. SQLite's own temporary files (large sorts) go there
  // too: it reads SQLITE_TMPDIR once, when it first opens a database, so before anything else does.
  const importJobs = importJobsFromEnv();
  const scratch = new ScratchSpace(path.join(config.dataDir, 'scratch'), importJobs.staleMs);
  const leftovers = await scratch.open();
  // Earlier versions kept uploads (clear ID numbers and phones) in the system's temporary directory and could leave
  // them there after a crash: whatever is left goes now.
  const legacy = path.join(os.tmpdir(), 'lianjian-imports');
  const legacyFound = fs.existsSync(legacy);
  if (legacyFound) fs.rmSync(legacy, { recursive: true, force: true });
  process.env.SQLITE_TMPDIR = scratch.sqliteTemp;
  const handle = createDb(config.databaseUrl);
  await checkDurability(handle);
  const passwordPolicy = passwordPolicyFromEnv();
  // Refuses to start with a data key that cannot read this database (the message names the variables to set).
  const cipher = await prepareDatabase(handle, config, (s) => console.log(s));
  const providerConfig = providerConfigFromEnv(process.env);
  const app = await buildApp({
    db: handle,
    cipher,
    noticeProviders: providerConfig,
    webDist: config.webDist,
    apiDocs: config.apiDocs,
    secureCookies: config.secureCookies,
    rateLimits: config.rateLimits,
    trustProxy: config.trustProxy,
    importLimits: importLimitsFromEnv(),
    importJobs,
    scratch,
    passwordPolicy,
    authPolicy: { requireTotp: config.requireTotp, passwordMaxAgeDays: passwordPolicy.maxAgeDays },
    lockout: {
      attempts: Number(process.env.LIANJIAN_LOCKOUT_ATTEMPTS ?? 5) || 5,
      minutes: Number(process.env.LIANJIAN_LOCKOUT_MINUTES ?? 15) || 15,
    },
    logger: true,
  });
  // Party groups that have not met in their period get a reminder: checked at start and every hour.
  const remind = () =>
    app.activities.runReminders().then(
      (n) => n && app.log.info({ raised: n }, 'meeting reminders raised'),
      (err) => app.log.error({ err }, 'meeting reminders failed'),
    );
  void remind();
  const reminderTimer = setInterval(remind, 60 * 60 * 1000);
  reminderTimer.unref();
  // Items that have used half, all and one and a half of their working-day target are chased (催办): checked at
  // start and every hour; each notice is written once, whichever server gets there first.
  let chasing = false;
  const chase = async () => {
    if (chasing) return;
    chasing = true;
    try {
      const written = await app.deadlines.sweep();
      if (written) app.log.info({ written }, 'chase notices written');
    } catch (err) {
      app.log.error({ err }, 'chasing items failed');
    } finally {
      chasing = false;
    }
  };
  void chase();
  setInterval(chase, 60 * 60 * 1000).unref();
  // The counties' snapshots of the day just ended, behind overviews wider than a county: checked at start and
  // every hour, taken once per day (by whichever server gets there first; taking it twice writes the same rows).
  let snapshotting = false;
  const snapshot = async () => {
    const day = lastFinishedDay();
    if (snapshotting || (await latestSnapshotDay(handle.db, day))?.as_of === day) return;
    snapshotting = true;
    try {
      const run = await takeSnapshots(handle.db, day);
      app.log.info(run, 'daily statistics snapshot taken');
    } catch (err) {
      app.log.error({ err }, 'daily statistics snapshot failed');
    } finally {
      snapshotting = false;
    }
  };
  if (config.dailySnapshots) {
    void snapshot();
    setInterval(snapshot, 60 * 60 * 1000).unref();
  }
  // Notices (text messages to residents, messages to branches' WeCom robots) wait in the outbox until a provider
  // takes them; without one they stay there marked 未配置短信通道, for the county administrator to see.
  const providers = noticeProviders(providerConfig, cipher);
  const dispatch = dispatchOptionsFromEnv(process.env);
  let dispatching = false;
  const dispatchDue = async () => {
    if (dispatching) return;
    dispatching = true;
    try {
      const r = await dispatchNotices(handle.db, cipher, providers, dispatch);
      if (r.retried || r.failed) app.log.warn(r, 'notices not accepted by their provider; retried or failed');
    } catch (err) {
      app.log.error({ err }, 'sending notices failed');
    } finally {
      dispatching = false;
    }
  };
  setInterval(dispatchDue, dispatch.intervalMs).unref();
  // The phones of notices done with for a week leave the outbox: at start and every hour.
  const purge = () =>
    purgeNoticePhones(handle.db).then(
      (n) => n && app.log.info({ cleared: n }, 'phones of old notices removed'),
      (err) => app.log.error({ err }, 'removing phones of old notices failed'),
    );
  void purge();
  setInterval(purge, 60 * 60 * 1000).unref();
  for (const warning of noticeStartWarnings(providerConfig, dispatch.publicUrl)) app.log.warn(warning);
  if (leftovers) app.log.warn({ folders: leftovers }, 'scratch files left by stopped servers removed');
  if (legacyFound)
    app.log.warn({ folder: legacy }, 'upload files left by an earlier version in the temporary directory removed');
  // Imports whose server stopped (no heartbeat within the threshold) are marked failed by whichever server looks
  // first, and the scratch files such servers left are removed: at start, then four times per threshold.
  let sweeping = false;
  const sweepImports = async () => {
    // On SQLite a sweep can wait for another server's long write; the next one starts after it.
    if (sweeping) return;
    sweeping = true;
    try {
      const r = await app.householdImports.sweep();
      if (r.interrupted || r.scratchRemoved)
        app.log.warn(r, 'imports of stopped servers marked as failed, their scratch files removed');
    } catch (err) {
      app.log.error({ err }, 'import sweep failed');
    } finally {
      sweeping = false;
    }
  };
  await sweepImports();
  setInterval(sweepImports, sweepInterval(importJobs)).unref();
  // The key ring follows the database: a rotation or a change of profile made by `lianjian rotate-keys` or
  // `switch-crypto` while this server runs is read with, then written with, from the next refresh on.
  let refreshing = false;
  const refreshKeys = async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      await loadKeyRing(handle.db, cipher);
    } catch (err) {
      app.log.error({ err }, 'key ring refresh failed');
    } finally {
      refreshing = false;
    }
  };
  setInterval(refreshKeys, keyRefreshMs()).unref();
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  console.log(`联建 Lianjian 已启动: http://${config.host}:${config.port}  (数据库: ${handle.dialect})`);
}
