import type { ProviderType } from '@metrics/core';
import { isCreateAgent, isGraph, langgraphNode } from './langchain-shapes.js';
import { MIDDLEWARE_NAME } from './middleware-name.js';
import type { RunNode, RunTree } from './run-tree.js';

/** The metrics middleware's own graph nodes are named `AgentMetrics.<hook>`. */
const MIDDLEWARE_NODE_PREFIX = `${MIDDLEWARE_NAME}.`;

/** What `handleChainStart` says about a chain, a graph or a graph node. */
export interface ChainStart {
  runId: string;
  chain: unknown;
  metadata: unknown;
  runName: string | undefined;
}

/** A top-level chain or graph: a new invocation (`LANGGRAPH` for a graph you built, else `LANGCHAIN`). */
export function startRootChain(tree: RunTree, start: ChainStart): void {
  const provider: ProviderType =
    isGraph(start.chain) && !isCreateAgent(start.metadata) ? 'LANGGRAPH' : 'LANGCHAIN';
  const root = tree.startRoot(start.runId, provider, start.runName);
  tree.add(start.runId, { kind: 'chain', root, recorder: root.recorder, scan: false });
}

/** One of the metrics middleware's own nodes (its first letter checked first: most nodes are not). */
function isMiddlewareNode(node: string | undefined): boolean {
  return (
    node !== undefined &&
    node.charCodeAt(0) === MIDDLEWARE_NODE_PREFIX.charCodeAt(0) &&
    node.startsWith(MIDDLEWARE_NODE_PREFIX)
  );
}

/**
 * A chain inside an invocation: a nested graph is a member run (`subgraph`/`subagent`); a
 * LangGraph node's output is scanned for error `ToolMessage`s; the metrics middleware's own node
 * says the middleware measures this invocation.
 */
export function startChildChain(
  tree: RunTree,
  parent: RunNode,
  start: ChainStart,
  deferToMiddleware: boolean,
): void {
  const node = langgraphNode(start.metadata);
  if (deferToMiddleware && isMiddlewareNode(node)) parent.root.ownedByMiddleware = true;
  const { root } = parent;
  if (isGraph(start.chain)) {
    const member = parent.recorder.startMemberRun({
      kind: isCreateAgent(start.metadata) ? 'subagent' : 'subgraph',
      ...(start.runName !== undefined ? { name: start.runName } : {}),
    });
    tree.add(start.runId, { kind: 'chain', root, recorder: member, scan: false, member });
    return;
  }
  const scan = node !== undefined && node === start.runName;
  tree.add(start.runId, { kind: 'chain', root, recorder: parent.recorder, scan });
}
