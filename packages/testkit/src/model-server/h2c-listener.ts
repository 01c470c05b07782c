import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http2';
import type { Socket } from 'node:net';

export interface H2cListener {
  /** `http://HOST:PORT` of the cleartext HTTP/2 listener. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A cleartext HTTP/2 (h2c, prior knowledge) listener for the same handler, on its own ephemeral
 * port: the AWS SDK's Bedrock runtime client speaks HTTP/2 by default (`NodeHttp2Handler`).
 */
export async function startH2cListener(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host: string,
): Promise<H2cListener> {
  // the compatibility API's request and response stand in for node:http's
  const server = createServer((req, res) =>
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse),
  );
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('h2c listener has no TCP address');
  const name = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${name}:${address.port}`,
    close: () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      return done;
    },
  };
}
