import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openSource } from '../sources/open-source.js';
import type { RunSource } from '../sources/run-source.js';
import { RunStore } from '../store/run-store.js';
import { createApp } from './create-app.js';
import { defaultAssetsDir, loadAssets } from './static-assets.js';

export interface DashboardOptions {
  /** A JSONL events file (`JsonlExporter`) or a collector database (`startCollector({ databasePath })`). */
  source: string;
  /** 0 (the default) picks a free port. The server listens on 127.0.0.1 only. */
  port?: number;
  /** How often the source is checked for new runs. Default 1000 ms. */
  pollMs?: number;
  /** Where the built page is; default: the package's own `dist/public`. */
  assetsDir?: string;
}

export interface Dashboard {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly port: number;
  readonly store: RunStore;
  readonly source: RunSource;
  /** Resolves when the source was read through once (the server answers before that). */
  readonly loaded: Promise<void>;
  /** Stops following the source and closes the server and its connections. */
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Serves the dashboard on loopback and follows `source`; opens nothing by itself. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const store = new RunStore();
  const source = await openSource(options.source, store);
  const assets = await loadAssets(options.assetsDir ?? defaultAssetsDir());
  let loadedAt: number | undefined;
  const app = createApp({ store, source, assets, loadedAt: () => loadedAt });
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  const port = await listen(server, options.port ?? 0);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const loaded = source.start().then(() => {
    loadedAt = Date.now();
    if (closed) return;
    timer = setInterval(() => void source.poll(), options.pollMs ?? 1000);
    timer.unref();
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    store,
    source,
    loaded,
    async close() {
      closed = true;
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await loaded.catch(() => {});
      await source.close();
    },
  };
}
