import { createOpenAI as createOpenAIv2 } from '@ai-sdk/openai-v2';
import { createOpenAI as createOpenAIv3 } from '@ai-sdk/openai-v3';
import { createOpenAI } from '@ai-sdk/openai';
import * as ai7 from 'ai';
import * as ai5 from 'ai-v5';
import * as ai6 from 'ai-v6';
import { describe, expect, it } from 'vitest';
import { aiSdkMiddleware, aiSdkTelemetry } from './index.js';

// Compile-time checks (the package's typecheck covers this file): the objects fit each major's
// own types without casts.
describe('types', () => {
  it('the middleware fits wrapLanguageModel of AI SDK 5, 6 and 7; the integration fits Telemetry of 7', () => {
    const options = { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'test' };
    const middleware = aiSdkMiddleware({ logger: false });
    const m7 = ai7.wrapLanguageModel({ model: createOpenAI(options).chat('m'), middleware });
    const m6 = ai6.wrapLanguageModel({ model: createOpenAIv3(options).chat('m'), middleware });
    const m5 = ai5.wrapLanguageModel({ model: createOpenAIv2(options).chat('m'), middleware });
    const telemetry: ai7.Telemetry = aiSdkTelemetry({ logger: false });
    const settings: ai7.TelemetryOptions = { integrations: [telemetry] };
    expect([m7.modelId, m6.modelId, m5.modelId]).toEqual(['m', 'm', 'm']);
    expect(settings.integrations).toHaveLength(1);
  });
});
