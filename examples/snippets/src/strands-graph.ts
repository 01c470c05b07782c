// The second ```ts block of packages/strands/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import type { InvocationExporter } from '@metrics/core';

// The free variable the snippet uses (defined by the quickstart).
declare const exporter: InvocationExporter;

import { MetricsPlugin } from '@metrics/strands';
import { Agent } from '@strands-agents/sdk';
import { Graph } from '@strands-agents/sdk/multiagent';

const researcher = new Agent({ id: 'research', name: 'research' });
const writer = new Agent({ id: 'write', name: 'write' });
export const graph = new Graph({
  nodes: [researcher, writer],
  edges: [['research', 'write']],
  plugins: [new MetricsPlugin({ exporters: [exporter] })], // one record per graph.invoke()
});
