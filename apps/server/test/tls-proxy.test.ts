import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from './factories.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, startServer } from './server-process.ts';

/**
 * What docs/DEPLOYMENT.md recommends for the proxy's standard TLS (beside TLCP): TLS 1.2 and 1.3 only, forward
 * secrecy only (ECDHE in TLS 1.2; every TLS 1.3 suite has it).
 */
const PROXY_TLS: tls.SecureContextOptions = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'TLS_AES_128_GCM_SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
  ].join(':'),
  ecdhCurve: 'X25519:P-256:P-384',
};

/** The public name the certificate is for; the browser sends it as Host and SNI. */
const SITE = 'lianjian.test';
/** Loopback addresses standing for three machines: the proxy, a client of the proxy, a client reaching the app. */
const PROXY_ADDRESS = '127.0.0.1';
const CLIENT_ADDRESS = '127.0.0.2';
const STRAY_ADDRESS = '127.0.0.3';

/** Request headers a proxy does not pass on (RFC 9110 §7.6.1), and the ones it writes itself. */
const NOT_FORWARDED = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
];

/**
 * A TLS-terminating reverse proxy doing what the documented nginx configuration does: the client's headers passed
 * on, `Host` kept, `X-Forwarded-For` replaced by the address it saw, `X-Forwarded-Proto` and `X-Forwarded-Host` set.
 */
function startProxy(key: Buffer, cert: Buffer, upstream: URL): Promise<https.Server> {
  const proxy = https.createServer({ key, cert, ...PROXY_TLS }, (req, res) => {
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    for (const h of NOT_FORWARDED) delete headers[h];
    headers['x-forwarded-for'] = req.socket.remoteAddress;
    headers['x-forwarded-proto'] = 'https';
    headers['x-forwarded-host'] = req.headers.host;
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        localAddress: PROXY_ADDRESS,
        method: req.method,
        path: req.url,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  // A refused handshake is what some tests want; it is not an error of the proxy.
  proxy.on('tlsClientError', () => {});
  return new Promise((resolve) => proxy.listen(0, PROXY_ADDRESS, () => resolve(proxy)));
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(
  lib: typeof http | typeof https,
  options: https.RequestOptions,
  body?: string,
): Promise<Answer & { protocol?: string | null }> {
  return new Promise((resolve, reject) => {
    const req = lib.request({ agent: false, ...options }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => {
        const socket = res.socket as tls.TLSSocket | undefined;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text,
          protocol: typeof socket?.getProtocol === 'function' ? socket.getProtocol() : undefined,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The `name=` cookie of a reply and its attributes, lowercased: `['secure', 'httponly', 'samesite=strict', …]`. */
function cookie(answer: Answer, name: string): { value: string; attributes: string[] } | undefined {
  const line = (answer.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
  return { value: pair.slice(name.length + 1), attributes: attributes.map((a) => a.toLowerCase()) };
}

/** A TLS handshake with the server on `port` from the proxy's client: the version and suite agreed, or the error. */
function handshake(
  port: number,
  ca: Buffer,
  options: tls.ConnectionOptions = {},
): Promise<{ protocol: string | null; cipher: string } | { error: string }> {
  return new Promise((resolve) => {
    // From the client's address: the TCP connection is made first, then TLS runs over it.
    const tcp = net.connect({ host: PROXY_ADDRESS, port, localAddress: CLIENT_ADDRESS });
    const socket = tls.connect({ socket: tcp, servername: SITE, ca, ...options }, () => {
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.destroy();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      resolve({ error: e.code ?? e.message });
      tcp.destroy();
    });
  });
}

describe('behind a TLS-terminating reverse proxy (standard TLS, as in front of the TLCP proxy)', () => {
  const scratch = scratchDatabases();
  const key = randomBytes(32).toString('base64');
  let app: Awaited<ReturnType<typeof startServer>>;
  let appUrl: URL;
  let proxy: https.Server;
  let proxyPort = 0;
  let cert: Buffer;
  let certKey: Buffer;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    // A throwaway certificate for the test's site name, made here and removed with the scratch folder.
    const keyFile = path.join(scratch.dir, 'site.key');
    const certFile = path.join(scratch.dir, 'site.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        `/CN=${SITE}`,
        '-addext',
        `subjectAltName=DNS:${SITE}`,
      ],
      { stdio: 'ignore' },
    );
    certKey = fs.readFileSync(keyFile);
    cert = fs.readFileSync(certFile);

    const url = await countyDatabase(scratch);
    // The production settings of docs/DEPLOYMENT.md, with TRUST_PROXY naming the proxy's address.
    app = await startServer(
      url,
      key,
      { NODE_ENV: 'production', COOKIE_SECURE: '1', TRUST_PROXY: PROXY_ADDRESS, LOG_LEVEL: 'info' },
      'pipe',
    );
    let pending = '';
    app.child.stdout?.on('data', (d) => {
      pending += String(d);
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        try {
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
    });
    appUrl = new URL(app.base);
    proxy = await startProxy(certKey, cert, appUrl);
    proxyPort = (proxy.address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    proxy?.close();
    if (app && app.child.exitCode === null) {
      const exited = new Promise((r) => app.child.once('exit', r));
      app.child.kill('SIGTERM');
      await exited;
    }
    await scratch.cleanup();
  });

  /** A request to the proxy over HTTPS, from the client's address, naming the site. */
  const viaProxy = (options: https.RequestOptions, body?: string) =>
    send(
      https,
      {
        host: PROXY_ADDRESS,
        port: proxyPort,
        servername: SITE,
        ca: cert,
        localAddress: CLIENT_ADDRESS,
        ...options,
        headers: { host: SITE, ...options.headers },
      },
      body,
    );

  /** A request straight to the app over plain HTTP, from an address that is not the proxy's. */
  const direct = (options: http.RequestOptions, body?: string) =>
    send(http, { host: appUrl.hostname, port: appUrl.port, localAddress: STRAY_ADDRESS, ...options }, body);

  /** The server's log line for the request whose URL carries `probe`. */
  async function loggedRequest(probe: string): Promise<{ remoteAddress?: string; host?: string }> {
    for (let i = 0; i < 100; i++) {
      const line = logLines.find((l) => {
        const req = l.req as { url?: string } | undefined;
        return req?.url?.includes(`probe=${probe}`);
      });
      if (line) return line.req as { remoteAddress?: string; host?: string };
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no log line for probe ${probe}`);
  }

  const login = (to: typeof viaProxy | typeof direct) =>
    to(
      { method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' } },
      JSON.stringify({ username: 'qiaoduan', password: PASSWORD }),
    );

  it('the proxy speaks TLS 1.3 by default and TLS 1.2 with ECDHE only; it refuses TLS 1.1 and RSA key exchange, which a lax server accepts from the same client', async () => {
    // A server with no restriction: proves the refusals below come from the proxy's settings, not from this client.
    const lax = tls.createServer({ key: certKey, cert, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (s) =>
      s.end(),
    );
    lax.on('tlsClientError', () => {});
    await new Promise<void>((r) => lax.listen(0, PROXY_ADDRESS, r));
    const laxPort = (lax.address() as AddressInfo).port;
    const tls11: tls.ConnectionOptions = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' };
    const rsaKeyExchange: tls.ConnectionOptions = { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' };
    try {
      expect(await handshake(laxPort, cert, tls11)).toMatchObject({ protocol: 'TLSv1.1' });
      expect(await handshake(laxPort, cert, rsaKeyExchange)).toMatchObject({
        protocol: 'TLSv1.2',
        cipher: 'AES128-GCM-SHA256',
      });
    } finally {
      lax.close();
    }

    expect(await handshake(proxyPort, cert)).toMatchObject({ protocol: 'TLSv1.3' });
    const tls12 = await handshake(proxyPort, cert, { maxVersion: 'TLSv1.2' });
    expect(tls12).toMatchObject({ protocol: 'TLSv1.2', cipher: expect.stringMatching(/^ECDHE-/) });
    expect(await handshake(proxyPort, cert, tls11)).toEqual({ error: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    expect(await handshake(proxyPort, cert, rsaKeyExchange)).toEqual({
      error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    });
    // And the certificate is checked: a client that does not trust it does not talk to the site.
    expect(await handshake(proxyPort, Buffer.from(''), { ca: [] })).toHaveProperty('error');
  });

  it('over HTTPS through the proxy a user logs in: the session cookie is Secure, HttpOnly and SameSite=Strict, the session works, HSTS is sent, and logging out clears both cookies with Secure', async () => {
    const res = await login(viaProxy);
    expect(res.protocol).toBe('TLSv1.3');
    expect(res.status).toBe(200);
    // Production asks for a second factor: the session is open, pending its enrolment.
    expect(JSON.parse(res.body)).toMatchObject({ username: 'qiaoduan', pending: 'totp_enrollment' });
    const session = cookie(res, 'lj_session');
    const csrf = cookie(res, 'lj_csrf');
    expect(session?.attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=strict', 'path=/']));
    // The CSRF cookie is read by the page, so not HttpOnly; it is Secure all the same.
    expect(csrf?.attributes).toEqual(expect.arrayContaining(['secure', 'samesite=strict']));
    expect(csrf?.attributes).not.toContain('httponly');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);

    const cookies = `lj_session=${session?.value}; lj_csrf=${csrf?.value}`;
    const me = await viaProxy({ path: '/api/v1/auth/me', headers: { cookie: cookies } });
    expect([me.status, JSON.parse(me.body).username]).toEqual([200, 'qiaoduan']);

    const out = await viaProxy({
      method: 'POST',
      path: '/api/v1/auth/logout',
      headers: { cookie: cookies, 'x-csrf-token': csrf?.value ?? '' },
    });
    expect(out.status).toBe(204);
    for (const name of ['lj_session', 'lj_csrf']) {
      const cleared = cookie(out, name);
      expect(cleared?.value, name).toBe('');
      expect(cleared?.attributes, name).toEqual(expect.arrayContaining(['secure', 'path=/']));
    }
    expect((await viaProxy({ path: '/api/v1/auth/me', headers: { cookie: cookies } })).status).toBe(401);
  });

  it('the client address and host come from the trusted proxy: what a client writes in X-Forwarded-* is not believed, through the proxy or straight to the app', async () => {
    const forged = {
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
    };
    const proxied = await viaProxy({ path: '/api/v1/health?probe=proxied', headers: forged });
    expect(proxied.status).toBe(200);
    expect(await loggedRequest('proxied')).toMatchObject({ remoteAddress: CLIENT_ADDRESS, host: SITE });

    // From an address that is not the proxy's, the X-Forwarded-* headers are the client's own word: ignored.
    const stray = await direct({ path: '/api/v1/health?probe=direct', headers: forged });
    expect(stray.status).toBe(200);
    expect(await loggedRequest('direct')).toMatchObject({ remoteAddress: STRAY_ADDRESS, host: appUrl.host });
  });

  it('the Secure flag comes from the configuration, not from X-Forwarded-Proto: a login straight to the app over plain HTTP, claiming nothing, still gets Secure cookies a browser will not send back over HTTP', async () => {
    const res = await login(direct);
    expect(res.status).toBe(200);
    expect(cookie(res, 'lj_session')?.attributes).toEqual(expect.arrayContaining(['secure', 'httponly']));
  });
});
