export { InMemoryExporter } from './testing/in-memory-exporter.js';
