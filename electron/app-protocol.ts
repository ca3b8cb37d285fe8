/**
 * Serves the built renderer for the app:// scheme: files under one directory only, read-only, with
 * the Content-Security-Policy on every response. Plain Node (Request/Response are globals), so the
 * end-to-end tests serve the renderer through this same function over HTTP.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { appHost, appScheme, contentSecurityPolicy } from './window-security.js';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers on every response, including errors. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

/**
 * Maps a request URL to a file under `rootDir`, or null when the URL is not ours or would leave the
 * directory (`..`, encoded `%2e%2e`, backslashes, NUL, absolute paths after decoding).
 */
export function resolveAppFile(rootDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${appScheme}:` || url.host !== appHost) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const segments = pathname.split('/').filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment === '.' || segment === '..')) return null;
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const root = path.resolve(rootDir);
  const file = path.resolve(root, relative);
  const fromRoot = path.relative(root, file);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return null;
  return file;
}

/** The `protocol.handle('app', …)` handler. */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  const root = path.resolve(rootDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const file = resolveAppFile(root, request.url);
    if (file === null) return plain(404, 'Not found');
    try {
      // A symbolic link inside the directory must not lead out of it.
      const real = await realpath(file);
      const realRoot = await realpath(root);
      const fromRoot = path.relative(realRoot, real);
      if (fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return plain(404, 'Not found');
      if (!(await stat(real)).isFile()) return plain(404, 'Not found');
      const body = request.method === 'HEAD' ? null : await readFile(real);
      const type = contentTypes[path.extname(real).toLowerCase()] ?? 'application/octet-stream';
      return new Response(body, { status: 200, headers: { ...securityHeaders(), 'Content-Type': type } });
    } catch {
      return plain(404, 'Not found');
    }
  };
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });
}
