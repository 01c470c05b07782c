export { startModelServer, routeOf } from './model-server/model-server.js';
export { DEFAULT_MODEL, DEFAULT_USAGE } from './model-server/types.js';
export type {
  DropStep,
  ErrorStep,
  HangStep,
  ModelApi,
  ModelServer,
  ModelServerOptions,
  RecordedModelRequest,
  ScriptStep,
  ScriptTiming,
  ScriptToolCall,
  ScriptUsage,
  TextStep,
  ToolCallsStep,
} from './model-server/types.js';
export { startCollector } from './collector/collector.js';
export type { Collector, CollectorOptions, CollectorRequest } from './collector/collector.js';
export { readCollectorDatabase } from './collector/sqlite-store.js';
export type { StoredRecord, StoredRequest } from './collector/sqlite-store.js';
