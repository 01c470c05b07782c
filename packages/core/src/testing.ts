export { InMemoryExporter } from './testing/in-memory-exporter.js';
export { heapAfterGcMB } from './testing/heap.js';
export { burstScenarioProblems } from './testing/burst.js';
