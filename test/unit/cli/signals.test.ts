/**
 * Ctrl-C and SIGTERM end a command at once: `cert --online` blocked on a responder that never
 * answers (a minute's --timeout) gets the signal and must exit 143 (SIGTERM) or 130 (SIGINT)
 * without waiting for that minute. Through the built CLI; a 10 s hang guard, no timing assertion.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPem } from '../../../electron/pki/parse.js';
import { createTestPki, mintPersonAuthCertificate } from '../../fixtures/pki/mint.js';
import { startRevocationServer, type RevocationServer } from '../../fixtures/pki/revocation-server.js';
import { finished, startBuiltCli } from './built-cli.js';

let dir: string;
let server: RevocationServer;
let files: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kortkoll-signals-'));
  const pki = await createTestPki();
  server = await startRevocationServer({ ca: pki.personCa });
  server.ocspMode = 'silent';
  const leaf = await mintPersonAuthCertificate(pki.personCa, { ocspUrls: [server.ocspUrl] });
  writeFileSync(join(dir, 'leaf.pem'), toPem(leaf.der));
  writeFileSync(join(dir, 'ca.pem'), toPem(pki.personCa.der));
  writeFileSync(join(dir, 'root.pem'), toPem(pki.root.der));
  files = [join(dir, 'leaf.pem'), join(dir, 'ca.pem'), '--anchors', join(dir, 'root.pem')];
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 9000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('signals end every command at once', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('cert --online waiting on a silent responder: %s → exit %i', async (signal, code) => {
    const before = server.requests.ocsp;
    const child = startBuiltCli(['cert', ...files, '--online', '--timeout', '60000']);
    const done = finished(child, 10_000);
    // The command is now blocked in the OCSP request (it will wait up to a minute).
    await waitFor(() => server.requests.ocsp > before, 'the OCSP request');
    child.kill(signal);
    const run = await done;
    expect(run.hung, 'hung').toBe(false);
    expect(run.code).toBe(code);
  });
});
