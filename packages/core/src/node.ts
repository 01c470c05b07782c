export { JSONL_MAX_WRITE_BYTES, JsonlExporter } from './exporters/jsonl-exporter.js';
export type { JsonlDropReason, JsonlExporterOptions, JsonlStats } from './exporters/jsonl-exporter.js';
export { flushOnExit } from './exporters/exit-hooks.js';
export type { FlushOnExitOptions } from './exporters/exit-hooks.js';
