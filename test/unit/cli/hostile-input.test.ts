/**
 * Hostile input through the built CLI: `cert FILE` and `diag --anchors FILE` given a device, a
 * FIFO, a directory, a huge (sparse) file, and 1 MiB files crafted against the parser. Each must
 * end with a clear one-line error or a correct result, within a generous hang guard (10 s) —
 * never a timing assertion; the speed targets are in `npm run bench -- --only hostile-input`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync, closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from './built-cli.js';

let dir: string;
const inputs: Record<string, string> = {};
const MiB = 1024 * 1024;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kortkoll-hostile-'));
  inputs['/dev/zero'] = '/dev/zero';
  inputs.fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [inputs.fifo]);
  inputs.directory = dir;
  inputs['100 MB sparse file'] = join(dir, 'big.pem');
  closeSync(openSync(inputs['100 MB sparse file'], 'w'));
  truncateSync(inputs['100 MB sparse file'], 100 * 1000 * 1000);
  inputs['1 MiB of zeros'] = join(dir, 'zeros.der');
  writeFileSync(inputs['1 MiB of zeros'], Buffer.alloc(MiB));
  inputs['1 MiB of A'] = join(dir, 'a.pem');
  writeFileSync(inputs['1 MiB of A'], Buffer.alloc(MiB, 'A'));
  inputs['1 MiB of BEGIN lines'] = join(dir, 'begin.pem');
  const line = '-----BEGIN CERTIFICATE-----\n';
  writeFileSync(inputs['1 MiB of BEGIN lines'], line.repeat(Math.floor(MiB / line.length)));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const refused = ['/dev/zero', 'fifo', 'directory', '100 MB sparse file'];
const crafted = ['1 MiB of zeros', '1 MiB of A', '1 MiB of BEGIN lines'];

describe('hostile input files, through the built CLI', () => {
  it.each(refused)('cert refuses %s at once with exit 64 and one line, in Swedish and English', async (name) => {
    const path = inputs[name] as string;
    const sv = await runBuiltCli(['cert', path]);
    expect(sv.hung, 'hung').toBe(false);
    expect(sv.code).toBe(64);
    expect(sv.stdout).toBe('');
    expect(sv.stderr.trim().split('\n')).toHaveLength(1);
    expect(sv.stderr).toMatch(/ingen vanlig fil|större än 1 MiB/);
    const en = await runBuiltCli(['--lang', 'en', 'cert', path]);
    expect(en.code).toBe(64);
    expect(en.stderr).toMatch(/not a regular file|larger than 1 MiB/);
  });

  it.each(refused)('diag --anchors refuses %s before the diagnosis, exit 64', async (name) => {
    const run = await runBuiltCli(['--lang', 'en', 'diag', '--demo', 'siths-eid-2024', '--anchors', inputs[name] as string]);
    expect(run.hung, 'hung').toBe(false);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/not a regular file|larger than 1 MiB/);
  });

  it.each(crafted)('cert on %s: a clear "no readable certificate" error, exit 2', async (name) => {
    const run = await runBuiltCli(['--lang', 'en', 'cert', inputs[name] as string]);
    expect(run.hung, 'hung').toBe(false);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('holds no readable certificate');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each(crafted)('diag --anchors on %s: the file is refused (no certificate in it), exit 64', async (name) => {
    const run = await runBuiltCli(['--lang', 'en', 'diag', '--demo', 'siths-eid-2024', '--anchors', inputs[name] as string]);
    expect(run.hung, 'hung').toBe(false);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('cannot be used');
  });
});
