/** What the CLI checks before it does any work: demo cards, numeric ranges, the report's output path. */
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKortkoll } from './cli-helpers.js';
import { readBoundedFile, InputFileError } from '../../../electron/cli/bounded-file.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kortkoll-checks-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('checks before the work', () => {
  it.each([[['read', '--demo', 'nosuch']], [['diag', '--demo', 'nosuch']], [['guide', '--demo', 'nosuch']], [['guide', '--demo', 'nosuch', '--once']]])(
    'an unknown --demo card is a usage error (64) for %j',
    async (args) => {
      const run = await runKortkoll(args);
      expect(run.code).toBe(64);
      expect(run.stderr).toContain('Okänt demokort: nosuch');
    },
  );

  it.each([['0'], ['-5'], ['99999999999'], ['600001'], ['1.5'], ['soon']])('cert --timeout %s is refused (64)', async (value) => {
    const run = await runKortkoll(['cert', 'x.pem', '--timeout', value]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('1 till 600000');
  });

  it.each([['0'], ['9999999'], ['-1']])('system --pkcs11-timeout %s is refused (64)', async (value) => {
    expect((await runKortkoll(['system', '--pkcs11-timeout', value])).code).toBe(64);
  });

  it('diag --html into a missing folder is refused before the diagnosis', async () => {
    const run = await runKortkoll(['--lang', 'en', 'diag', '--demo', 'siths-eid-2024', '--html', join(dir, 'no-such-folder', 'report.html')]);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('does not exist');
  });

  it('diag --html onto a folder is refused', async () => {
    expect((await runKortkoll(['diag', '--demo', 'siths-eid-2024', '--html', dir])).code).toBe(64);
  });

  it('diag --html writes the report with mode 0600 and replaces a symlink instead of writing through it', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'do not touch', { mode: 0o644 });
    const target = join(dir, 'report.html');
    symlinkSync(victim, target);
    const run = await runKortkoll(['diag', '--demo', 'siths-eid-2024', '--html', target]);
    expect([0, 1, 2]).toContain(run.code);
    expect(readFileSync(victim, 'utf8')).toBe('do not touch');
    expect(lstatSync(target).isSymbolicLink()).toBe(false);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readFileSync(target, 'utf8')).toContain('<html');
    // No temporary file is left behind.
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('diag --anchors with a file that holds no certificate is an error (64), not silently ignored', async () => {
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'this is not a certificate\n');
    const run = await runKortkoll(['--lang', 'en', 'diag', '--demo', 'siths-eid-2024', '--anchors', garbage]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(`The trusted roots file ${garbage} cannot be used`);
  });

  it('readBoundedFile reads a small file and refuses one that is one byte too large', async () => {
    const small = join(dir, 'small.bin');
    writeFileSync(small, Buffer.alloc(10, 1));
    expect((await readBoundedFile(small, 10)).length).toBe(10);
    await expect(readBoundedFile(small, 9)).rejects.toMatchObject({ problem: 'too-large' });
    await expect(readBoundedFile(join(dir, 'missing'))).rejects.toBeInstanceOf(InputFileError);
  });
});
