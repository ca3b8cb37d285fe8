// What the configuration must say (issue 7): fuses, the fixed MSI upgrade code, the deb's
// dependencies, hardened runtime on macOS, no auto-update; and the release workflow's shape.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it } from 'vitest';
import { MSI_UPGRADE_CODE, REPO_ROOT, fpmTargetPrototype, loadBuilderConfig, yaml } from './packaging-fixture.js';

let config: Configuration;
beforeAll(async () => {
  config = await loadBuilderConfig();
});

function targetNames(targets: unknown): string[] {
  return (Array.isArray(targets) ? targets : [targets]).map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

describe('Electron fuses', () => {
  it('turn off running as Node, NODE_OPTIONS, inspect arguments and file:// privileges; turn on asar integrity and asar-only loading', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
  });

  it('come with an asar archive whose native addons are unpacked', () => {
    // onlyLoadAppFromAsar without an asar would leave Electron nothing to load.
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
  });
});

describe('Windows', () => {
  it('builds an MSI and an NSIS installer', () => {
    expect(targetNames(config.win?.target).sort()).toEqual(['msi', 'nsis']);
  });

  it('the MSI installs per machine under the fixed upgrade code, without starting the app', () => {
    expect(config.msi?.perMachine).toBe(true);
    expect(config.msi?.upgradeCode).toBe(MSI_UPGRADE_CODE);
    expect(config.msi?.upgradeCode).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(config.msi?.runAfterFinish).toBe(false);
  });

  it('docs/install.md states the same upgrade code', () => {
    expect(readFileSync(path.join(REPO_ROOT, 'docs/install.md'), 'utf8')).toContain(MSI_UPGRADE_CODE);
  });
});

describe('Linux', () => {
  it('builds an AppImage and a deb', () => {
    expect(targetNames(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
  });

  it("the deb depends on electron-builder's default packages, repeated, then pcscd and libpcsclite1", () => {
    // `depends` replaces electron-builder's list (app-builder-lib FpmTarget.getDefaultDepends).
    const defaults = fpmTargetPrototype.getDefaultDepends.call({}, 'deb');
    expect(defaults.length).toBeGreaterThan(0);
    expect(config.deb?.depends).toEqual([...defaults, 'pcscd', 'libpcsclite1']);
  });

  it('the deb names a maintainer (fpm needs one; package.json has no author e-mail)', () => {
    expect(config.linux?.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
  });
});

describe('macOS', () => {
  it('builds a dmg with hardened runtime and the entitlements file', () => {
    expect(targetNames(config.mac?.target)).toEqual(['dmg']);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.entitlements).toBe('build/entitlements.mac.plist');
    expect(config.mac?.entitlementsInherit).toBe('build/entitlements.mac.plist');
  });

  it('the entitlements allow JIT only: not sandboxed, library validation on, no unsigned executable memory', () => {
    const plist = readFileSync(path.join(REPO_ROOT, 'build/entitlements.mac.plist'), 'utf8');
    const enabledKeys = Array.from(plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g), (m) => m[1]);
    expect(enabledKeys).toEqual(['com.apple.security.cs.allow-jit']);
    expect(plist).not.toMatch(/<key>[^<]+<\/key>\s*<false\/>/); // absent rather than false, as Apple advises
  });
});

describe('updates and output', () => {
  it('publishes nothing: no update feed is generated (auto-update off)', () => {
    expect(config.publish).toBeNull();
  });

  it('writes installers to release/, not into dist/ where tsc writes the app', () => {
    expect(config.directories?.output).toBe('release');
    expect(config.directories?.buildResources).toBe('build');
    expect(existsSync(path.join(REPO_ROOT, 'build/icon.png'))).toBe(true);
  });
});

describe('release workflow (.github/workflows/release.yml)', () => {
  type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
  type Job = { 'runs-on': string; needs?: string; steps: Step[]; strategy?: { matrix: { include: { os: string; platform: string; artifacts: string }[] } } };
  const workflow = yaml.load(readFileSync(path.join(REPO_ROOT, '.github/workflows/release.yml'), 'utf8')) as {
    on: { push: { tags: string[] } };
    jobs: Record<string, Job>;
  };
  const installers = workflow.jobs['installers'] as Job;
  const runs = installers.steps.map((s) => s.run ?? '').join('\n');

  it('runs on a pushed version tag', () => {
    expect(workflow.on.push.tags).toContain('v*');
  });

  it('builds each platform on its own runner', () => {
    const matrix = installers.strategy?.matrix.include ?? [];
    const byPlatform = Object.fromEntries(matrix.map((m) => [m.platform, m.os]));
    expect(byPlatform['--win']).toMatch(/^windows-/);
    expect(byPlatform['--mac']).toMatch(/^macos-/);
    expect(byPlatform['--linux']).toMatch(/^ubuntu-/);
    expect(installers['runs-on']).toBe('${{ matrix.os }}');
  });

  it('uses Node 22, npm ci, rebuilds the native modules for Electron, builds, then packages without publishing', () => {
    const setupNode = installers.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with?.['node-version']).toBe(22);
    const order = ['npm ci', 'npx electron-builder install-app-deps', 'npm run build', 'npx electron-builder ${{ matrix.platform }} --publish never'];
    const positions = order.map((command) => runs.indexOf(command));
    expect(
      positions.every((p) => p >= 0),
      `missing one of ${order.join(' | ')}`,
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('pins every action by commit SHA and checks the renderer where the build writes it (dist/renderer)', () => {
    const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.uses).filter((u): u is string => u !== undefined));
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use, use).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    expect(runs).toContain('dist/renderer/index.html');
    expect(runs).not.toContain('renderer/dist/');
  });

  it('uploads the installers and fails when there are none', () => {
    const upload = installers.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.['if-no-files-found']).toBe('error');
    const artifacts = (installers.strategy?.matrix.include ?? []).map((m) => m.artifacts).join('\n');
    for (const extension of ['.msi', '.exe', '.dmg', '.AppImage', '.deb']) expect(artifacts).toContain(extension);
  });
});
