// The ```ts block of packages/dashboard/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import { startDashboard } from '@metrics/dashboard';

const dashboard = await startDashboard({ source: '.metrics/events.jsonl', port: 0 });
console.log(dashboard.url); // http://127.0.0.1:PORT/
await dashboard.loaded;     // the file was read through once
await dashboard.close();
