// An application that loads the ESM and the CJS build of the core together (a CJS dependency
// beside ESM code) gets one working system: instances are recognised across copies, the current
// invocation and the HTTP attempt scopes are shared, and each request is noted once.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as esm from '../../dist/index.js';
import * as esmAdapter from '../../dist/adapter.js';

const require = createRequire(import.meta.url);
const cjs = require('../../dist/index.cjs') as typeof esm;
const cjsAdapter = require('../../dist/adapter.cjs') as typeof esmAdapter;

describe('an ESM and a CJS copy of the core loaded together', () => {
  it("are two copies, and each recognises the other one's Metrics and Diagnostics", () => {
    expect(cjs.Metrics).not.toBe(esm.Metrics);
    const fromCjs = new cjs.Metrics({ logger: false });
    expect(fromCjs instanceof esm.Metrics).toBe(false);
    expect(esmAdapter.isMetrics(fromCjs)).toBe(true);
    expect(esmAdapter.toMetrics(fromCjs)).toBe(fromCjs);
    expect(esmAdapter.toMetrics({ metrics: fromCjs })).toBe(fromCjs);
    const diagnostics = new cjs.Diagnostics({ logger: false });
    expect(new esm.Metrics({ diagnostics }).diagnostics).toBe(diagnostics);
  });

  it('share the current invocation, and a retried request under one copy is noted once', async () => {
    let hits = 0;
    const server = createServer((req, res) => {
      req.resume();
      hits++;
      res.writeHead(hits === 1 ? 429 : 200).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
    const records: esm.InvocationRecord[] = [];
    // both copies subscribed, as when two adapters each bring their own
    cjsAdapter.observeHttpAttempts();
    esmAdapter.observeHttpAttempts();
    const metrics = new cjs.Metrics({ exporters: [{ export: (r) => records.push(r) }], logger: false });
    try {
      await metrics.withInvocation({}, async (run) => {
        expect(esm.getCurrentInvocation()).toBe(run);
        const call = run.startModelCall();
        while ((await fetch(url, { method: 'POST' })).status === 429);
        call.end();
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(hits).toBe(2);
    expect(records[0]?.summary.modelCalls).toBe(2);
    expect(records[0]?.summary.errors.modelInvocationThrottles).toBe(1);
  });
});
