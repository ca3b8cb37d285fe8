// The electron-builder configuration, loaded the way electron-builder loads it, checked against
// electron-builder's own JSON schema (node_modules/app-builder-lib/scheme.json), offline.
import { Ajv } from 'ajv';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Configuration } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_FILE,
  CONFIG_PATH,
  PACKAGE_JSON_ADDITIONS,
  builderConfigModule,
  builderSchema,
  builderVersion,
  loadBuilderConfig,
  makeTempDir,
  readRepoJson,
  removeDir,
} from './packaging-fixture.js';

const noDebugLog = { isEnabled: false, add(): void {} };

// Stricter than electron-builder's own check, which coerces types ("true" would pass as true).
const validateAgainstSchema = new Ajv({ allErrors: true, strict: false }).compile(builderSchema);

describe(`electron-builder configuration (${CONFIG_FILE}) against electron-builder ${builderVersion}'s schema`, () => {
  let config: Configuration;
  beforeAll(async () => {
    config = await loadBuilderConfig();
  });

  it('is read by electron-builder itself and names the app', () => {
    expect(config.appId).toBe('se.kortkoll.app');
    expect(config.productName).toBe('Kortkoll');
  });

  it('matches scheme.json with no errors (no type coercion)', () => {
    const valid = validateAgainstSchema(structuredClone(config));
    expect(validateAgainstSchema.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("passes electron-builder's own validateConfiguration", async () => {
    await expect(builderConfigModule.validateConfiguration(structuredClone(config), noDebugLog)).resolves.toBeUndefined();
  });

  // The schema check only means something if it rejects a broken configuration.
  type Editable = Record<string, unknown>;
  const section = (c: Editable, key: string): Editable => c[key] as Editable;
  const brokenVariants: [string, (c: Editable) => void][] = [
    [
      'a misspelt fuse',
      (c) => {
        section(c, 'electronFuses').runAsNodes = false;
      },
    ],
    [
      'a fuse given as a string',
      (c) => {
        section(c, 'electronFuses').runAsNode = 'false';
      },
    ],
    [
      'an unknown top-level option',
      (c) => {
        c.autoUpdate = false;
      },
    ],
    [
      'perMachine given as a string',
      (c) => {
        section(c, 'msi').perMachine = 'yes';
      },
    ],
    [
      'an unknown MSI option',
      (c) => {
        section(c, 'msi').upgradeGuid = section(c, 'msi').upgradeCode;
      },
    ],
    [
      'deb depends given as a number',
      (c) => {
        section(c, 'deb').depends = 1;
      },
    ],
    [
      'an unknown mac option',
      (c) => {
        section(c, 'mac').sandbox = false;
      },
    ],
  ];
  it.each(brokenVariants)('the schema check rejects %s', (_name, breakIt) => {
    const broken = structuredClone(config) as Editable;
    breakIt(broken);
    expect(validateAgainstSchema(broken)).toBe(false);
  });
});

describe('package.json wiring', () => {
  let projectDir: string | undefined;
  afterAll(() => removeDir(projectDir));

  it('the "build" key proposed for package.json makes electron-builder load the same configuration', async () => {
    projectDir = makeTempDir('wiring');
    const packageJson = { ...readRepoJson<Record<string, unknown>>('package.json'), build: PACKAGE_JSON_ADDITIONS.build };
    writeFileSync(path.join(projectDir, 'package.json'), JSON.stringify(packageJson));
    mkdirSync(path.join(projectDir, 'build'));
    cpSync(CONFIG_PATH, path.join(projectDir, CONFIG_FILE));
    // No explicit config path: electron-builder finds the configuration through package.json.
    const viaPackageJson = await loadBuilderConfig(projectDir, null);
    const direct = await loadBuilderConfig();
    const { extends: _extends, ...withoutExtends } = viaPackageJson as Configuration & { extends?: unknown };
    expect(withoutExtends).toEqual(direct);
  });

  // Red until the lines from the packaging report are added to package.json (the lead's file).
  it('the real package.json references the configuration and has the metadata installers need', () => {
    const packageJson = readRepoJson<{ build?: { extends?: string }; author?: { name?: string; email?: string }; homepage?: string }>('package.json');
    expect(packageJson.build?.extends).toBe(`./${CONFIG_FILE}`);
    expect(packageJson.author?.name, 'author.name becomes the MSI Manufacturer').toBeTruthy();
    expect(packageJson.author?.email, 'author.email is expected by the Linux packages').toBeTruthy();
    expect(packageJson.homepage, 'electron-builder refuses to build a deb without a homepage').toBeTruthy();
  });
});
