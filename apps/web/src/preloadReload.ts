/**
 * A new service worker takes over at once (skipWaiting) and its clean-up deletes the previous build's files from the
 * cache: a tab still running the previous build then fails to load one of its lazy chunks (`vite:preloadError`). The
 * page reloads once onto the new build; a second failure soon after is left to the page's error (no reload loop).
 */
export const RELOAD_KEY = 'lj.preloadReloadAt';
const WINDOW_MS = 60_000;

interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Whether this failure reloads the page: not when the page reloaded for the same reason within the last minute. */
export function reloadOnce(storage: Storage, now = Date.now()): boolean {
  const last = Number(storage.getItem(RELOAD_KEY) ?? 0);
  if (now - last < WINDOW_MS) return false;
  storage.setItem(RELOAD_KEY, String(now));
  return true;
}

/** Listens for a chunk the previous build can no longer load, and reloads once. */
export function reloadOnStaleChunks(): void {
  window.addEventListener('vite:preloadError', (event) => {
    if (!reloadOnce(sessionStorage)) return;
    event.preventDefault();
    window.location.reload();
  });
}
