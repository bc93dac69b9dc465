import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Whether a process of this host is running (EPERM: running, under another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where files holding personal data in transit live (an import's upload and its working files): the `scratch`
 * folder of the data directory, private to the server's account, never the system's temporary directory, which
 * other programs share and nobody cleans. Each server process works in a folder of its own, named after its host
 * and process id, and each job in a folder of that, removed when the job ends. What a server that stopped left is
 * removed by the next one to sweep, at its start and then periodically: the folders of processes no longer running
 * on this host, and any folder nobody has touched for `staleMs` (another host's, on shared storage, or one whose
 * process id has since been reused). A running server touches its own folder at every sweep.
 */
export class ScratchSpace {
  /** This process's own folder. */
  readonly own: string;

  constructor(
    readonly root: string,
    private readonly staleMs = 60_000,
  ) {
    this.own = path.join(root, `${os.hostname()}~${process.pid}~${randomBytes(4).toString('hex')}`);
  }

  /**
   * SQLite's own temporary files (sorts and indexes larger than its cache): SQLite removes each as soon as it has
   * opened it, so the sweep leaves this folder alone.
   */
  get sqliteTemp(): string {
    return path.join(this.root, 'sqlite');
  }

  /** A private folder for one job. */
  async folder(name: string): Promise<string> {
    const dir = path.join(this.own, name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  async remove(name: string): Promise<void> {
    await rm(path.join(this.own, name), { recursive: true, force: true });
  }

  /** Makes the folders and removes what stopped servers left; returns how many of their folders went. */
  async open(): Promise<number> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await mkdir(this.sqliteTemp, { recursive: true, mode: 0o700 });
    await mkdir(this.own, { recursive: true, mode: 0o700 });
    return this.sweep();
  }

  /** Touches this process's folder, then removes the folders (and stray files) no running server owns. */
  async sweep(): Promise<number> {
    const now = new Date();
    await utimes(this.own, now, now).catch(() => undefined);
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const full = path.join(this.root, name);
      if (full === this.own || full === this.sqliteTemp || (await this.owned(name, full))) continue;
      await rm(full, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  private async owned(name: string, full: string): Promise<boolean> {
    const touched = await stat(full).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    if (Date.now() - touched > this.staleMs) return false;
    const [host, pid] = name.split('~');
    // Another host's process cannot be asked; it touches its folder while it runs.
    if (host !== os.hostname() || !pid || !/^\d+$/.test(pid)) return true;
    return running(Number(pid));
  }

  /** Removes this process's folder (on a clean stop). */
  async close(): Promise<void> {
    await rm(this.own, { recursive: true, force: true });
  }
}
