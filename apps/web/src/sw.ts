/// <reference lib="webworker" />
import { type PrecacheEntry, Serwist } from 'serwist';

declare const self: ServiceWorkerGlobalScope & { __SW_MANIFEST: (PrecacheEntry | string)[] | undefined };

/**
 * The staff app's service worker: it keeps the app's shell (index.html and the staff app's own assets) so that the
 * app opens with no connection. It caches nothing else: API replies carry personal data and are never stored by the
 * worker (the field queue keeps what it needs encrypted in IndexedDB), and the residents' pages (`/r`, `/v`) are a
 * separate app the worker leaves to the network.
 */
const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  precacheOptions: {
    cleanupOutdatedCaches: true,
    navigateFallback: '/index.html',
    navigateFallbackDenylist: [/^\/api(?:\/|$)/, /^\/[rv](?:\/|$|\?)/],
  },
  skipWaiting: true,
  clientsClaim: true,
  navigationPreload: false,
  runtimeCaching: [],
  disableDevLogs: true,
});

serwist.addEventListeners();
