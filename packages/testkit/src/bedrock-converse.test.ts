import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './index.js';

let server: ModelServer;
let client: BedrockRuntimeClient;
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

beforeAll(async () => {
  server = await startModelServer();
  // the client's defaults: HTTP/2 (NodeHttp2Handler), 3 attempts
  client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: server.bedrockEndpoint, credentials });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
});

const usage = { input: 1000, output: 80, cached: 600, cacheWrite: 300 };
const messages = [{ role: 'user' as const, content: [{ text: 'hi' }] }];

describe('@aws-sdk/client-bedrock-runtime over h2c: Converse', () => {
  it('answers text with usage: cache reads and writes beside inputTokens', async () => {
    server.script([{ text: 'Bonjour.', usage }]);
    const result = await client.send(new ConverseCommand({ modelId: 'anthropic.claude-test', messages }));
    expect(result.output?.message?.content).toEqual([{ text: 'Bonjour.' }]);
    expect(result.usage).toEqual({
      inputTokens: 100,
      outputTokens: 80,
      totalTokens: 1080,
      cacheReadInputTokens: 600,
      cacheWriteInputTokens: 300,
    });
    expect(server.requests[0]).toMatchObject({
      path: '/model/anthropic.claude-test/converse',
      api: 'bedrock-converse',
    });
    expect(server.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256/);
  });

  it('streams AWS event-stream messages: content blocks, tool use, metadata with usage last', async () => {
    server.script([
      { text: 'one two', toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }], usage },
    ]);
    const result = await client.send(new ConverseStreamCommand({ modelId: 'm', messages }));
    const kinds: string[] = [];
    let text = '';
    let input = '';
    for await (const event of result.stream ?? []) {
      kinds.push(Object.keys(event).find((k) => k !== '$unknown')!);
      text += event.contentBlockDelta?.delta?.text ?? '';
      input += event.contentBlockDelta?.delta?.toolUse?.input ?? '';
      if (event.metadata) expect(event.metadata.usage).toMatchObject({ inputTokens: 100, outputTokens: 80 });
    }
    expect(text).toBe('one two');
    expect(JSON.parse(input)).toEqual({ city: 'Rome' });
    expect(kinds[0]).toBe('messageStart');
    expect(kinds.slice(-2)).toEqual(['messageStop', 'metadata']);
    expect(kinds).toContain('contentBlockStart');
  });

  it('answers scripted errors as AWS exceptions (the client retries a 429, then gives up)', async () => {
    server.script([{ error: { status: 429 } }, { error: { status: 429 } }, { error: { status: 429 } }]);
    const error = await client.send(new ConverseCommand({ modelId: 'm', messages })).catch((e) => e);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error.$metadata).toMatchObject({ httpStatusCode: 429, attempts: 3 });
  });
});
