export { InMemoryExporter } from './testing/in-memory-exporter.js';
export { heapAfterGcMB } from './testing/heap.js';
export { burstScenarioProblems } from './testing/burst.js';
export { traceMajorCollection } from './testing/major-collection.js';
export type { MajorCollectionTrace } from './testing/major-collection.js';
