import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector, ModelServer } from './index.js';
import { runCli } from './run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metrics-testkit-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const record = () => ({
  extAccountAliasId: '00000000-0000-4000-8000-000000000000',
  providerType: 'AISDK',
  operation: 'InvokeAgent',
  sessionId: crypto.randomUUID(),
  schemaVersion: '1.0.0',
  time: Date.now(),
  inputTokenCount: 12,
});

describe('metrics-testkit CLI', () => {
  it('model-server --script FILE serves the default and keyed queues, then says the script ran out', async () => {
    const file = join(dir, 'script.json');
    await writeFile(
      file,
      JSON.stringify({
        default: [{ text: 'from the file', usage: { input: 7, output: 2 } }],
        alice: [{ text: 'hello alice' }],
      }),
    );
    const { out, io: cliIo } = io();
    const server = (await runCli(['model-server', '--script', file], cliIo)) as ModelServer;
    try {
      expect(out[0]).toBe(`model server listening on ${server.url}`);
      const client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'k', maxRetries: 0 });
      const ask = (content: string) =>
        client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content }] });
      expect((await ask('script:alice')).choices[0]?.message.content).toBe('hello alice');
      const plain = await ask('hi');
      expect(plain.choices[0]?.message.content).toBe('from the file');
      expect(plain.usage?.prompt_tokens).toBe(7);
      await expect(ask('again')).rejects.toThrow(/script ran out/);
    } finally {
      await server.close();
    }
  });

  it('model-server without a script answers a fallback text forever', async () => {
    const server = (await runCli(['model-server', '--fallback-text', 'always this'], io().io)) as ModelServer;
    try {
      const client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'k', maxRetries: 0 });
      for (let i = 0; i < 2; i++) {
        const r = await client.chat.completions.create({
          model: 'm',
          messages: [{ role: 'user', content: 'x' }],
        });
        expect(r.choices[0]?.message.content).toBe('always this');
      }
    } finally {
      await server.close();
    }
  });

  it('collector --token --database persists, and show prints it back', async () => {
    const database = join(dir, 'received.db');
    const { out, io: cliIo } = io();
    const collector = (await runCli(
      ['collector', '--token', 'T', '--status', '202', '--database', database],
      cliIo,
    )) as Collector;
    try {
      expect(out[0]).toBe(`collector listening on ${collector.endpoint}`);
      const sent = record();
      const response = await fetch(collector.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer T' },
        body: JSON.stringify({ resourceMetrics: [sent] }),
      });
      expect(response.status).toBe(202);
      const denied = await fetch(collector.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resourceMetrics: [sent] }),
      });
      expect(denied.status).toBe(401);
    } finally {
      await collector.close();
    }
    const shown = io();
    await runCli(['show', '--database', database], shown.io);
    const printed = JSON.parse(shown.out.join('\n'));
    expect(printed.records).toHaveLength(1);
    expect(printed.records[0].inputTokenCount).toBe(12);
    expect(printed.requests.map((r: { status: number }) => r.status)).toEqual([202, 401]);
  });

  it('rejects bad arguments and unknown commands, and prints usage for help', async () => {
    await expect(runCli(['collector', '--port', 'abc'], io().io)).rejects.toThrow(/--port must be/);
    await expect(runCli(['collector', '--status', '204'], io().io)).rejects.toThrow(
      /--status must be 200 or 202/,
    );
    const unknown = io();
    await expect(runCli(['serve'], unknown.io)).rejects.toThrow(/unknown command serve/);
    expect(unknown.err[0]).toMatch(/^Usage: metrics-testkit/);
    const help = io();
    await runCli(['--help'], help.io);
    expect(help.out[0]).toMatch(/model-server/);
  });
});
