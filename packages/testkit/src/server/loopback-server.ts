import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Answers a request whose handler threw before any header was sent. */
export type FailureAnswer = (res: ServerResponse, error: unknown) => void;

/**
 * A `node:http` server for tests: listens on loopback (an ephemeral port by default), can stop and
 * listen again on the same port, and on `close` destroys every connection so nothing keeps the
 * process alive.
 */
export class LoopbackServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private listening = false;

  constructor(
    private readonly name: string,
    handle: RequestHandler,
    onFailure: FailureAnswer,
  ) {
    this.server = createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) onFailure(res, error);
        else res.destroy();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get running(): boolean {
    return this.listening;
  }

  /** Listens; resolves with the port and `http://host:port`. */
  async listen(port: number, host: string): Promise<{ port: number; url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.listening = true;
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error(`${this.name} has no TCP address`);
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { port: address.port, url: `http://${shown}:${address.port}` };
  }

  /** Stops listening and destroys every open connection (a no-op when not listening). */
  async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await done;
  }
}
