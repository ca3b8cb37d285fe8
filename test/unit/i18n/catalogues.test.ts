import { describe, expect, it } from 'vitest';
import { isPluralMessage, messageForms, placeholdersOf, registeredMessageSets, type Message } from '../../../electron/i18n/index.js';
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
    expect(sets.map((s) => s.area)).toEqual(
      expect.arrayContaining([
        'cli',
        'diagnostics',
        'report-render',
        'login',
        'progress',
        'pki',
        'card.status-words',
        'card.read-failures',
        'card.transport-errors',
      ]),
    );
    for (const set of sets) {
      expect(Object.keys(set.en).sort(), `keys of ${set.area}`).toEqual(Object.keys(set.sv).sort());
      for (const key of Object.keys(set.sv)) {
        const sv = set.sv[key] as Message;
        const en = set.en[key] as Message;
        for (const form of messageForms(sv)) expect(form.trim().length, `${set.area}.${key} (sv)`).toBeGreaterThan(0);
        for (const form of messageForms(en)) expect(form.trim().length, `${set.area}.${key} (en)`).toBeGreaterThan(0);
        expect(placeholdersOf(en), `placeholders of ${set.area}.${key}`).toEqual(placeholdersOf(sv));
        // A plural message counts with one of its own placeholders, in both languages.
        for (const message of [sv, en])
          if (isPluralMessage(message)) expect(messageForms(message).join(' '), `${set.area}.${key}`).toContain(`{${message.plural}}`);
      }
    }
  });
});
