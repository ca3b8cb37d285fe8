/** The app's own UI strings pick their plural form with the language's rules, like the domain catalogues. */
import { describe, expect, it } from 'vitest';
import { translator } from '../../../renderer/src/i18n.js';

describe("the renderer's translator", () => {
  it('says "1 try left" and "2 tries left", and Swedish "försök" for both', () => {
    const en = translator('en');
    const sv = translator('sv');
    expect([0, 1, 2, 5].map((left) => en('pinResultWrongPin', { left }))).toEqual([
      'Wrong PIN. 0 tries left.',
      'Wrong PIN. 1 try left.',
      'Wrong PIN. 2 tries left.',
      'Wrong PIN. 5 tries left.',
    ]);
    expect(sv('pinResultWrongPin', { left: 1 })).toBe('Fel PIN-kod. 1 försök kvar.');
    expect([1, 12].map((count) => sv('apduShow', { count }))).toEqual(['Visa 1 kommando', 'Visa 12 kommandon']);
    expect(en('apduShow', { count: 1 })).toBe('Show 1 command');
  });
});
