/**
 * The chain check against the computer's own trust store (`tls.getCACertificates('system')`,
 * Node ≥ 22.15 and so Electron 45's Node). OpenSSL's SSL_CERT_FILE / SSL_CERT_DIR point the built
 * CLI's Node at a store holding just the TEST SITHS e-id root: the real TEST chain is then trusted,
 * with the system as the anchor's source; with another store, it is not. On an older Node the test
 * skips loudly, and under CI=true (which runs Node 22) that is a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { realCertPath } from '../../fixtures/pki/real-certs.js';
import { runBuiltCli } from '../cli/built-cli.js';

const hasSystemStore = typeof (tls as unknown as { getCACertificates?: unknown }).getCACertificates === 'function';
if (!hasSystemStore) {
  if (process.env.CI === 'true') throw new Error(`CI=true but ${process.version} cannot read the system trust store (Node ≥ 22.15 needed)`);
  console.warn(`\n*** SKIPPING system-trust-store: ${process.version} has no tls.getCACertificates ***\n`);
}

interface ChainJson {
  status: string;
  anchor?: { source?: string; subjectCommonName?: string };
}

describe.skipIf(!hasSystemStore)('the chain check against the system trust store', () => {
  const emptyDir = mkdtempSync(path.join(tmpdir(), 'kortkoll-certdir-'));
  afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

  async function chainOfFunctionCertificate(store: string): Promise<ChainJson> {
    const run = await runBuiltCli(['cert', realCertPath('functionCert'), realCertPath('functionCa'), '--json'], {
      env: { SSL_CERT_FILE: store, SSL_CERT_DIR: emptyDir },
      guardMs: 30_000,
    });
    expect(run.hung).toBe(false);
    const json = JSON.parse(run.stdout) as { certificates?: { chain?: ChainJson }[] } | { chain?: ChainJson }[];
    const first = Array.isArray(json) ? json[0] : json.certificates?.[0];
    if (!first?.chain) throw new Error(`no chain in: ${run.stdout.slice(0, 400)}`);
    return first.chain;
  }

  it('trusts the real TEST chain when the system store holds the TEST root, and says the system is the source', async () => {
    const chain = await chainOfFunctionCertificate(realCertPath('testRoot'));
    expect(chain.status).toBe('trusted');
    expect(chain.anchor?.source).toBe('system');
    expect(chain.anchor?.subjectCommonName).toBe('TEST SITHS e-id Root CA v2');
  });

  it('does not trust it when the system store holds another root only', async () => {
    const chain = await chainOfFunctionCertificate(realCertPath('sithsRootV1'));
    expect(chain.status).toBe('untrusted-root');
  });
});
