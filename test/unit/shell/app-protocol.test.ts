import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveAppFile } from '../../../electron/app-protocol.js';
import { contentSecurityPolicy } from '../../../electron/window-security.js';

let root: string;
let outside: string;

beforeAll(() => {
  const base = mkdtempSync(path.join(tmpdir(), 'kortkoll-protocol-'));
  root = path.join(base, 'renderer');
  outside = path.join(base, 'secret.txt');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Kortkoll</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(outside, 'secret');
  symlinkSync(outside, path.join(root, 'assets', 'link.txt'));
});

describe('the app:// protocol handler', () => {
  it('serves the renderer with the Content-Security-Policy header', async () => {
    const handle = createAppProtocolHandler(root);
    const response = await handle(new Request('app://kortkoll/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Kortkoll</title>');
    const csp = response.headers.get('content-security-policy');
    expect(csp).toBe(contentSecurityPolicy);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp?.split('; ')).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('serves / as index.html and assets with their types', async () => {
    const handle = createAppProtocolHandler(root);
    expect(await (await handle(new Request('app://kortkoll/'))).text()).toContain('Kortkoll');
    expect((await handle(new Request('app://kortkoll/assets/app.js'))).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await handle(new Request('app://kortkoll/assets/app.css'))).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it.each([
    'app://kortkoll/%2e%2e/secret.txt',
    'app://kortkoll/assets/%2E%2E/%2E%2E/secret.txt',
    'app://kortkoll/..%2fsecret.txt',
    'app://kortkoll/..%5csecret.txt',
    'app://kortkoll/assets/..%5C..%5Csecret.txt',
    'app://kortkoll/%00index.html',
    'app://kortkoll/%E0%A4%A',
    'app://other/index.html',
    'app://kortkoll.evil/index.html',
    'file:///etc/passwd',
    'app://kortkoll/assets/link.txt',
    'app://kortkoll/assets',
    'app://kortkoll/missing.js',
  ])('answers 404 for %s', async (url) => {
    const handle = createAppProtocolHandler(root);
    const response = await handle(new Request(url));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('secret');
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  });

  it('only reads: other methods are refused', async () => {
    const handle = createAppProtocolHandler(root);
    expect((await handle(new Request('app://kortkoll/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    const head = await handle(new Request('app://kortkoll/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('never resolves a path outside the directory', () => {
    expect(resolveAppFile(root, 'app://kortkoll/index.html')).toBe(path.join(root, 'index.html'));
    // The URL parser already folds %2e%2e segments: they cannot climb above the root.
    expect(resolveAppFile(root, 'app://kortkoll/a/%2e%2e/%2e%2e/x')).toBe(path.join(root, 'x'));
    // Encoded slashes and backslashes survive parsing; the decoded path is refused.
    expect(resolveAppFile(root, 'app://kortkoll/..%2f..%2fsecret.txt')).toBeNull();
    expect(resolveAppFile(root, 'app://kortkoll/assets%5c..%5c..%5csecret.txt')).toBeNull();
    expect(resolveAppFile(root, 'app://kortkoll//etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
    expect(resolveAppFile(root, 'not a url')).toBeNull();
  });
});
