import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers.ts';

/** A build as `npm run build` leaves it: hashed assets with their compressed copies, and the page naming them. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  const js = `console.log(${JSON.stringify('联建'.repeat(2000))});`;
  fs.writeFileSync(path.join(dir, 'assets', 'index-B3xk9Qe1.js'), js);
  fs.writeFileSync(path.join(dir, 'assets', 'index-B3xk9Qe1.js.br'), zlib.brotliCompressSync(js));
  fs.writeFileSync(path.join(dir, 'assets', 'index-B3xk9Qe1.js.gz'), zlib.gzipSync(js));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><title>联建</title><script type="module" src="/assets/index-B3xk9Qe1.js"></script>`,
  );
  fs.writeFileSync(
    path.join(dir, 'resident.html'),
    `<!doctype html><title>群众反映问题</title><script type="module" src="/assets/resident-Q7pv2Lx0.js"></script>`,
  );
  fs.writeFileSync(path.join(dir, 'sw.js'), `(function(){self.__SW_MANIFEST=[{url:'index.html',revision:'1'}]})();`);
  fs.writeFileSync(
    path.join(dir, 'manifest.webmanifest'),
    JSON.stringify({ name: '联建', start_url: '/', display: 'standalone', icons: [] }),
  );
  return dir;
}

describe('the web app is sent compressed, and cached as long as its names allow', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fakeBuild();
    t = await testApp(undefined, undefined, { webDist: dir });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a browser that accepts brotli gets the brotli copy, one that accepts gzip only gets gzip, others the file itself', async () => {
    const original = fs.readFileSync(path.join(dir, 'assets', 'index-B3xk9Qe1.js'));
    const br = await t.app.inject({
      url: '/assets/index-B3xk9Qe1.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect([br.statusCode, br.headers['content-encoding']]).toEqual([200, 'br']);
    expect(String(br.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(br.rawPayload.length).toBeLessThan(original.length / 10);
    expect(zlib.brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);
    const gz = await t.app.inject({ url: '/assets/index-B3xk9Qe1.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).equals(original)).toBe(true);
    const plain = await t.app.inject({ url: '/assets/index-B3xk9Qe1.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(original)).toBe(true);
  });

  it('hashed assets are kept for a year; the page and the screens’ addresses are revalidated on every load', async () => {
    const asset = await t.app.inject({ url: '/assets/index-B3xk9Qe1.js', headers: { 'accept-encoding': 'br' } });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of ['/', '/index.html', '/households/some-id']) {
      const page = await t.app.inject({ url });
      expect([url, page.statusCode, page.headers['cache-control']]).toEqual([url, 200, 'no-cache']);
      expect(page.body).toContain('/assets/index-B3xk9Qe1.js');
    }
  });

  it('the public pages (/r, /v and below) get their own light page, every other address the staff app', async () => {
    for (const url of ['/r', '/r/', '/r/7K3M-Q9XD-2HTA', '/r/follow', '/r?from=qr', '/v', '/v/411321106900']) {
      const page = await t.app.inject({ url });
      expect([url, page.statusCode, page.headers['cache-control']]).toEqual([url, 200, 'no-cache']);
      expect(page.body, url).toContain('/assets/resident-Q7pv2Lx0.js');
    }
    for (const url of ['/reports', '/reports/r', '/vote', '/rx', '/lists/v', '/']) {
      const page = await t.app.inject({ url });
      expect(page.body, url).toContain('/assets/index-B3xk9Qe1.js');
    }
  });

  it('the service worker and the web manifest are revalidated on every load, and the page’s policy lets them in', async () => {
    const sw = await t.app.inject({ url: '/sw.js' });
    expect([sw.statusCode, sw.headers['cache-control']]).toEqual([200, 'no-cache']);
    expect(String(sw.headers['content-type'])).toMatch(/^(text|application)\/javascript/);
    expect(sw.body).toContain('__SW_MANIFEST');
    const manifest = await t.app.inject({ url: '/manifest.webmanifest' });
    expect([manifest.statusCode, manifest.headers['cache-control']]).toEqual([200, 'no-cache']);
    expect(String(manifest.headers['content-type'])).toMatch(/^application\/manifest\+json/);
    // No worker-src nor manifest-src of its own: both fall back to the page's own origin, where the files are.
    const csp = String((await t.app.inject({ url: '/' })).headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/worker-src|manifest-src/);
  });
});
