// The ```ts blocks of packages/core/docs/delivery.md, verbatim (readme-snippets.test.ts checks it).
import { createMetrics, createResourceMetricsExporter, ConsoleExporter } from '@metrics/core';
import { JsonlExporter, flushOnExit } from '@metrics/core/node';

const http = createResourceMetricsExporter(); // reads AI_METRICS_ENDPOINT, EXT_ACCOUNT_ALIAS_ID, credentials
const metrics = createMetrics({
  exporters: [http, new JsonlExporter({ path: '.metrics/events.jsonl' }), new ConsoleExporter()],
});
flushOnExit([http]); // opt-in: deliver what is queued when the process ends

export { metrics };
