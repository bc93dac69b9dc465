import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One SendSms call as Aliyun's API receives it: the query parameters, the action and the signature header. */
export type SendSmsCall = Record<string, string>;

/** An answer as Aliyun's SendSms gives it, or `hold`: the request is left without an answer (until `close`). */
export type FakeAnswer = { Code: string; Message: string; BizId?: string; status?: number } | 'hold';

/**
 * A local HTTP server answering as Aliyun's SendSms does (`POST /?PhoneNumbers=…` with `x-acs-action: SendSms`, a JSON body with
 * `Code`, `Message`, `BizId`, `RequestId`), the answer chosen per call by the test. Every call is recorded, and every
 * call it acknowledged (`Code: "OK"`) separately.
 */
export async function fakeAliyun(answer: (call: SendSmsCall, n: number) => FakeAnswer) {
  const calls: SendSmsCall[] = [];
  const acknowledged: SendSmsCall[] = [];
  const held: http.ServerResponse[] = [];
  let onHold: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      // The SDK signs in the ACS3 way: the action and the signature travel in headers, the parameters in the query.
      const call = {
        ...(Object.fromEntries(url.searchParams) as SendSmsCall),
        Action: String(req.headers['x-acs-action'] ?? ''),
        Authorization: String(req.headers.authorization ?? ''),
      };
      calls.push(call);
      const a = answer(call, calls.length);
      if (a === 'hold') {
        held.push(res);
        onHold?.();
        return;
      }
      if (a.Code === 'OK') acknowledged.push(call);
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          Code: a.Code,
          Message: a.Message,
          RequestId: `req-${calls.length}`,
          BizId: a.BizId ?? undefined,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    acknowledged,
    /** Resolves when the next call is held (ask before the call can come). */
    held: () =>
      new Promise<void>((r) => {
        onHold = r;
      }),
    close: () =>
      new Promise<void>((r) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
