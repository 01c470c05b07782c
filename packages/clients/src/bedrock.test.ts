import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { meter, runTool, unmeter } from './bedrock.js';
import { full, setup, sum, throwingMetrics, usageOf } from './test-support.js';

const { server, metrics, exporter } = setup();
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const opened: BedrockRuntimeClient[] = [];
// the client's defaults: HTTP/2 (NodeHttp2Handler), standard retries, 3 attempts
const client = (input = metrics) => {
  const bare = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: server().bedrockEndpoint,
    credentials,
  });
  opened.push(bare);
  return meter(bare, input);
};
afterEach(() => {
  for (const bare of opened.splice(0)) bare.destroy();
});
const messages: Message[] = [{ role: 'user', content: [{ text: 'weather?' }] }];
const toolConfig = {
  tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }],
};
const u1 = { input: 900, output: 70, cached: 500, cacheWrite: 100 };
const u2 = { input: 60, output: 9 };

describe('meter(new BedrockRuntimeClient()): Converse', () => {
  it('records a tool loop with cache reads and writes, the tool run and the model id', async () => {
    server().script([
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }], usage: u1 },
      { text: 'Sunny.', usage: u2 },
    ]);
    const bedrock = client();
    await metrics.withInvocation({}, async () => {
      const first = await bedrock.send(
        new ConverseCommand({ modelId: 'anthropic.claude-test', messages, toolConfig }),
      );
      const use = first.output?.message?.content?.find((block) => block.toolUse)?.toolUse;
      const result = await runTool('get_weather', async () => 'sunny');
      const answer: Message[] = [
        ...messages,
        first.output!.message!,
        {
          role: 'user',
          content: [{ toolResult: { toolUseId: use?.toolUseId, content: [{ text: result }] } }],
        },
      ];
      await bedrock.send(
        new ConverseCommand({ modelId: 'anthropic.claude-test', messages: answer, toolConfig }),
      );
    });
    const [record] = exporter.records;
    expect(record?.summary.modelCalls).toBe(2);
    expect(record?.modelCalls[0]).toMatchObject({ model: 'anthropic.claude-test', provider: 'bedrock' });
    expect(record?.toolCalls.map((t) => [t.name, t.outcome, t.callId])).toEqual([
      ['get_weather', 'success', expect.stringMatching(/^tooluse_/)],
    ]);
    expect(usageOf(record)).toEqual(sum(u1, u2));
  });

  it('streams: usage from the metadata event, ttft, every event to the caller', async () => {
    server().script([{ text: 'one two three', usage: u1, firstChunkDelayMs: 60 }]);
    let text = '';
    await metrics.withInvocation({}, async () => {
      const output = await client().send(new ConverseStreamCommand({ modelId: 'm', messages }));
      for await (const event of output.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
    });
    expect(text).toBe('one two three');
    const [record] = exporter.records;
    expect(usageOf(record)).toEqual(full(u1));
    const call = record!.modelCalls[0]!;
    expect(call.streamed).toBe(true);
    expect(call.firstTokenAt! - call.startedAt).toBeGreaterThanOrEqual(55);
  });

  it('sees each HTTP/2 attempt: a 429 then success is 2 calls and 1 throttle; 3 × 500 are 3 server errors', async () => {
    const e500 = { error: { status: 500 } };
    server().script([{ error: { status: 429 } }, { text: 'ok', usage: u2 }, e500, e500, e500]);
    const bedrock = client();
    const error = await metrics
      .withInvocation({}, async () => {
        await bedrock.send(new ConverseCommand({ modelId: 'm', messages }));
        await bedrock.send(new ConverseCommand({ modelId: 'm', messages }));
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerException);
    const [record] = exporter.records;
    expect(record?.modelCalls.map((c) => [c.attempt, c.status, c.outcome])).toEqual([
      [1, 429, 'error'],
      [2, undefined, 'success'],
      [1, 500, 'error'],
      [2, 500, 'error'],
      [3, 500, 'error'],
    ]);
    expect(record?.summary.errors).toMatchObject({
      modelInvocationThrottles: 1,
      modelInvocationServerErrors: 3,
    });
    expect(usageOf(record)).toEqual(full(u2));
  }, 15_000);

  it('records 20 concurrent invocations exactly, and a call outside any as a BEDROCK record', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => i);
    for (const i of keys)
      server().script(`b${i}`, [{ text: `n${i}`, usage: { input: 20 + i, output: 3 + i } }]);
    server().script([{ text: 'alone', usage: u2 }]);
    const bedrock = client();
    await Promise.all(
      keys.map((i) =>
        metrics.withInvocation({ name: `b${i}` }, () =>
          bedrock.send(
            new ConverseCommand({
              modelId: 'm',
              messages: [{ role: 'user', content: [{ text: `script:b${i}` }] }],
            }),
          ),
        ),
      ),
    );
    await bedrock.send(new ConverseCommand({ modelId: 'amazon.nova-test', messages }));
    expect(exporter.records).toHaveLength(21);
    for (const record of exporter.records.slice(0, 20)) {
      const i = Number(record.name?.slice(1));
      expect(record.summary.modelCalls).toBe(1);
      expect(usageOf(record)).toEqual(full({ input: 20 + i, output: 3 + i }));
    }
    expect(exporter.records[20]).toMatchObject({ providerType: 'BEDROCK', model: 'amazon.nova-test' });
  });

  it('survives a throwing exporter; unmeter() gives back the client without the middleware', async () => {
    server().script([{ text: 'fine', usage: u2 }]);
    const throwing = throwingMetrics();
    const bedrock = client(throwing);
    const output = await bedrock.send(new ConverseCommand({ modelId: 'm', messages }));
    expect(output.output?.message?.content).toEqual([{ text: 'fine' }]);
    const bare = unmeter(bedrock);
    expect(bare).toBe(opened[0]);
    expect(bare.middlewareStack.identify().some((entry) => entry.startsWith('metricsHttpAttempts'))).toBe(
      false,
    );
  });
});
