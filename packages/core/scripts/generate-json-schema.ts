// Writes schema/resource-metrics.schema.json from the TypeScript definition (a test checks it is current).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resourceMetricsJsonSchema } from '../src/schema/json-schema.js';

const target = fileURLToPath(new URL('../schema/resource-metrics.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(resourceMetricsJsonSchema, null, 2)}\n`);
console.log(`wrote ${target}`);
