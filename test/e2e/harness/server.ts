/**
 * Serves the built renderer over HTTP on the loopback interface through the same handler the
 * Electron shell registers for app:// (electron/app-protocol.ts), so the page gets the same files
 * and the same Content-Security-Policy header as in the app.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAppProtocolHandler } from '../../../electron/app-protocol.js';
import { appHost, appScheme } from '../../../electron/window-security.js';

export interface RendererServer {
  /** e.g. http://127.0.0.1:41234 — a secure context, as app:// is in the shell. */
  origin: string;
  close(): Promise<void>;
}

export async function startRendererServer(rootDir: string): Promise<RendererServer> {
  const handle = createAppProtocolHandler(rootDir);
  const server = http.createServer((request, response) => {
    const target = `${appScheme}://${appHost}${request.url ?? '/'}`;
    let appRequest: Request;
    try {
      appRequest = new Request(target, { method: request.method ?? 'GET' });
    } catch {
      response.writeHead(400).end();
      return;
    }
    handle(appRequest).then(
      async (answer) => {
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          headers[name] = value;
        });
        response.writeHead(answer.status, headers);
        response.end(Buffer.from(await answer.arrayBuffer()));
      },
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
