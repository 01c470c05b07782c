import { PROVIDER_TYPES } from './provider-types.js';
import {
  COUNT_FIELDS,
  DURATION_FIELDS,
  MAX_RECORDS_PER_REQUEST,
  PROMPT_TYPES,
  SCHEMA_VERSION,
  TOOL_TYPES,
} from './resource-metric.js';

const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const duration = { type: 'number', minimum: 0, description: 'milliseconds' } as const;

/**
 * JSON Schema (draft 2020-12) of the resourceMetrics request body, for users in other languages.
 * The consistency rule `successCount + failureCount = toolCalls` cannot be expressed in JSON Schema;
 * `validateResourceMetric` checks it.
 */
export const resourceMetricsJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/agent-metrics/agent-metrics/packages/core/schema/resource-metrics.schema.json',
  title: 'resourceMetrics request body',
  type: 'object',
  additionalProperties: false,
  required: ['resourceMetrics'],
  properties: {
    resourceMetrics: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_RECORDS_PER_REQUEST,
      items: { $ref: '#/$defs/ResourceMetric' },
    },
  },
  $defs: {
    ToolMetric: {
      type: 'object',
      additionalProperties: false,
      required: ['toolType', 'toolCalls', 'successCount', 'failureCount'],
      properties: {
        toolType: { enum: [...TOOL_TYPES] },
        toolCalls: count,
        successCount: count,
        failureCount: count,
      },
    },
    ResourceMetric: {
      type: 'object',
      additionalProperties: false,
      required: ['extAccountAliasId', 'providerType', 'operation', 'sessionId', 'schemaVersion', 'time'],
      properties: {
        extAccountAliasId: { type: 'string', minLength: 1 },
        providerType: { enum: [...PROVIDER_TYPES] },
        operation: { type: 'string', minLength: 1 },
        sessionId: {
          type: 'string',
          pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$',
        },
        schemaVersion: { const: SCHEMA_VERSION },
        time: { type: 'integer', minimum: 1e12, maximum: 1e13 - 1 },
        extModelId: { type: 'string', minLength: 1 },
        promptType: { enum: [...PROMPT_TYPES] },
        ...Object.fromEntries(DURATION_FIELDS.map((field) => [field, duration])),
        ...Object.fromEntries(COUNT_FIELDS.map((field) => [field, count])),
        tools: { type: 'array', items: { $ref: '#/$defs/ToolMetric' } },
      },
    },
  },
} as const;
