// The lowest @aws-sdk/client-bedrock-runtime of the peer range (3.803.0, the first 3.8xx release;
// aliased): the tool loop, a stream and each HTTP/2 attempt give the same exact record as on the
// version the other tests use.
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type Message,
} from '@aws-sdk/client-bedrock-runtime-v3-803';
import { afterEach, describe, expect, it } from 'vitest';
import { meter, runTool } from './bedrock.js';
import { full, setup, sum, usageOf } from './test-support.js';

const { server, metrics, exporter } = setup();
const opened: BedrockRuntimeClient[] = [];
const client = () => {
  const bare = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: server().bedrockEndpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  });
  opened.push(bare);
  return meter(bare, metrics);
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

describe('meter(new BedrockRuntimeClient()) on @aws-sdk/client-bedrock-runtime 3.803.0', () => {
  it('records a tool loop with cache reads and writes and the tool run', async () => {
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
    expect(record?.summary.tools.api).toEqual({ calls: 1, success: 1, failure: 0 });
    expect(usageOf(record)).toEqual(sum(u1, u2));
  });

  it('streams: usage from the metadata event, ttft', async () => {
    server().script([{ text: 'one two three', usage: u1, firstChunkDelayMs: 60 }]);
    let text = '';
    await metrics.withInvocation({}, async () => {
      const output = await client().send(new ConverseStreamCommand({ modelId: 'm', messages }));
      for await (const event of output.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
    });
    expect(text).toBe('one two three');
    const [record] = exporter.records;
    expect(usageOf(record)).toEqual(full(u1));
    expect(record!.modelCalls[0]!.firstTokenAt! - record!.modelCalls[0]!.startedAt).toBeGreaterThanOrEqual(
      55,
    );
  });

  it('sees each HTTP/2 attempt: a 429 then success is 2 calls and 1 throttle', async () => {
    server().script([{ error: { status: 429 } }, { text: 'ok', usage: u2 }]);
    await metrics.withInvocation({}, () => client().send(new ConverseCommand({ modelId: 'm', messages })));
    const [record] = exporter.records;
    expect(record?.modelCalls.map((c) => [c.attempt, c.status, c.outcome])).toEqual([
      [1, 429, 'error'],
      [2, undefined, 'success'],
    ]);
    expect(record?.summary.errors).toMatchObject({ modelInvocationThrottles: 1 });
    expect(usageOf(record)).toEqual(full(u2));
  }, 15_000);
});
