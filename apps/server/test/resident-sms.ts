import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import type { useCounty } from './setup-county.ts';

type County = ReturnType<typeof useCounty>;

/**
 * The county's SMS platform, local: it takes every message and keeps what it was sent. Started before the file's
 * tests and stopped after them; `url()` is its send address once started.
 */
export function useSmsPlatform(): { sent: { to: string; text: string }[]; url: () => string } {
  const sent: { to: string; text: string }[] = [];
  let url = '';
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        sent.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return { sent, url: () => url };
}

/** Puts a resident's report on a new problem list of 乔端's branch, for its party group; the item's id. */
export async function listForQiaoGroup(ctx: County, reportId: string): Promise<string> {
  const list = await (await ctx.user('qiaoduan')).post('/problem-lists', {
    orgId: ctx.county.orgs.qiaoBranch.id,
    title: '群众反映清单',
    listedOn: '2020-05-19',
    items: [
      {
        problem: '路灯不亮',
        category: 'electricity',
        regionCode: '411321106200',
        reportIds: [reportId],
        responsibleGroupId: ctx.county.orgs.qiaoGroup.id,
      },
    ],
  });
  expect(list.statusCode, list.body).toBe(201);
  return list.json().itemIds[0] as string;
}
