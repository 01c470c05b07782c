import { ATTR_ERROR_TYPE, ERROR_TYPE_VALUE_OTHER } from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
  GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
  GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_X_AI,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES, toErrorType, toProviderName, toolNameFilter } from './attributes.js';
import { ATTR, DEFAULT_METRIC_NAMES, OPERATION, OTHER } from './names.js';

describe('names match @opentelemetry/semantic-conventions 1.45.0', () => {
  it('uses the client metric names the package exports', () => {
    expect(DEFAULT_METRIC_NAMES.tokenUsage).toBe(METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(DEFAULT_METRIC_NAMES.operationDuration).toBe(METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    expect(DEFAULT_METRIC_NAMES.timeToFirstChunk).toBe(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK);
  });

  it('uses the attribute keys and values the package exports', () => {
    expect(ATTR).toMatchObject({
      operationName: ATTR_GEN_AI_OPERATION_NAME,
      providerName: ATTR_GEN_AI_PROVIDER_NAME,
      requestModel: ATTR_GEN_AI_REQUEST_MODEL,
      tokenType: ATTR_GEN_AI_TOKEN_TYPE,
      agentName: ATTR_GEN_AI_AGENT_NAME,
      toolName: ATTR_GEN_AI_TOOL_NAME,
      toolType: ATTR_GEN_AI_TOOL_TYPE,
      errorType: ATTR_ERROR_TYPE,
    });
    expect(OPERATION).toEqual({
      chat: GEN_AI_OPERATION_NAME_VALUE_CHAT,
      invokeAgent: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
      executeTool: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
    });
    expect([GEN_AI_TOKEN_TYPE_VALUE_INPUT, GEN_AI_TOKEN_TYPE_VALUE_OUTPUT]).toEqual(['input', 'output']);
    expect(OTHER).toBe(ERROR_TYPE_VALUE_OTHER);
  });
});

describe('attribute values stay low-cardinality', () => {
  it.each([
    ['openai.chat', GEN_AI_PROVIDER_NAME_VALUE_OPENAI],
    ['openai.responses', GEN_AI_PROVIDER_NAME_VALUE_OPENAI],
    ['OpenAI', GEN_AI_PROVIDER_NAME_VALUE_OPENAI],
    ['anthropic.messages', GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC],
    ['amazon-bedrock', GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK],
    ['azure-openai', GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
    ['google.generative-ai', GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI],
    ['google.vertex.chat', GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI],
    ['gcp.vertex_ai', GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI],
    ['mistral.chat', GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI],
    ['xai.chat', GEN_AI_PROVIDER_NAME_VALUE_X_AI],
    ['ollama.chat', 'ollama'],
    ['https://my-proxy.example.com/v1', OTHER],
    [undefined, OTHER],
  ])('provider %s → %s', (provider, expected) => {
    expect(toProviderName(provider)).toBe(expected);
  });

  it('maps every well-known provider name to itself', () => {
    for (const name of PROVIDER_NAMES) expect(toProviderName(name)).toBe(name);
  });

  it('derives error.type from the status, the category, then the class name', () => {
    const base = { message: 'x', name: 'Error' } as const;
    expect(toErrorType({ ...base, category: 'throttle', status: 429 })).toBe('429');
    expect(toErrorType({ ...base, category: 'timeout' })).toBe('timeout');
    expect(toErrorType({ ...base, category: 'unknown', name: 'ZodError' })).toBe('ZodError');
    expect(toErrorType({ ...base, category: 'unknown', name: 'weird name with spaces' })).toBe(OTHER);
    expect(toErrorType(undefined)).toBe(OTHER);
  });

  it('lets tool names through only when allowed', () => {
    expect(toolNameFilter(undefined)('search')).toBe(OTHER);
    expect(toolNameFilter(false)('search')).toBe(OTHER);
    expect(toolNameFilter(true)('search')).toBe('search');
    expect(toolNameFilter(['search'])('fetch')).toBe(OTHER);
    expect(toolNameFilter((n) => n.startsWith('s'))('search')).toBe('search');
    expect(
      toolNameFilter(() => {
        throw new Error('user bug');
      })('search'),
    ).toBe(OTHER);
  });
});
