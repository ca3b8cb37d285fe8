import { describe, expect, it } from 'vitest';
import { placeholdersOf, registeredMessageSets } from '../../../electron/i18n/index.js';
// Every module that defines user-facing messages, so that their catalogues are registered.
import '../../../electron/service.js';
import '../../../electron/cli.js';
import '../../../electron/diagnostics/render-messages.js';
import '../../../electron/diagnostics/messages.js';
import '../../../electron/login/messages.js';
import { commandLoaders } from '../../../electron/cli.js';

describe('message catalogues', () => {
  it('have the same keys and placeholders in Swedish and English, and no empty text', async () => {
    for (const load of commandLoaders.values()) await load();
    const sets = registeredMessageSets();
    expect(sets.map((s) => s.area)).toEqual(expect.arrayContaining(['cli', 'diagnostics', 'report-render', 'login', 'progress', 'certificate-reasons']));
    for (const set of sets) {
      expect(Object.keys(set.en).sort(), `keys of ${set.area}`).toEqual(Object.keys(set.sv).sort());
      for (const key of Object.keys(set.sv)) {
        const sv = (set.sv as Record<string, string>)[key] as string;
        const en = (set.en as Record<string, string>)[key] as string;
        expect(sv.trim().length, `${set.area}.${key} (sv)`).toBeGreaterThan(0);
        expect(en.trim().length, `${set.area}.${key} (en)`).toBeGreaterThan(0);
        expect(placeholdersOf(en), `placeholders of ${set.area}.${key}`).toEqual(placeholdersOf(sv));
      }
    }
  });
});
