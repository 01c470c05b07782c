export { InMemoryExporter } from './testing/in-memory-exporter.js';
export { heapAfterGcMB } from './testing/heap.js';
