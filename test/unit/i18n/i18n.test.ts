import { describe, expect, it } from 'vitest';
import { defineMessages, formatMessage, parseLang, placeholdersOf, plural } from '../../../electron/i18n/index.js';

describe('i18n', () => {
  it('formats placeholders and leaves unknown ones visible', () => {
    expect(formatMessage('{tries} försök kvar', { tries: 2 })).toBe('2 försök kvar');
    expect(formatMessage('{a} och {b}', { a: 'x' })).toBe('x och {b}');
    expect(placeholdersOf('{b} {a} {b}')).toEqual(['a', 'b', 'b']);
  });
  it('picks the language and defaults to Swedish', () => {
    const m = defineMessages('test-area', { hello: 'Hej {name}' }, { hello: 'Hello {name}' });
    expect(m.t('hello', 'sv', { name: 'Anna' })).toBe('Hej Anna');
    expect(m.t('hello', 'en', { name: 'Anna' })).toBe('Hello Anna');
  });
  it("picks the plural form with the language's own rules", () => {
    const m = defineMessages(
      'test-plural',
      { left: '{left} försök kvar', days: plural('days', { one: '{days} dag kvar', other: '{days} dagar kvar' }) },
      {
        left: plural('left', { one: '{left} try left', other: '{left} tries left' }),
        days: plural('days', { one: '{days} day left', other: '{days} days left' }),
      },
    );
    expect([0, 1, 2, 5].map((n) => m.t('days', 'sv', { days: n }))).toEqual(['0 dagar kvar', '1 dag kvar', '2 dagar kvar', '5 dagar kvar']);
    expect([0, 1, 2, 5].map((n) => m.t('left', 'en', { left: n }))).toEqual(['0 tries left', '1 try left', '2 tries left', '5 tries left']);
    expect(m.t('left', 'sv', { left: 1 })).toBe('1 försök kvar');
    // The count is a placeholder of the message even where one form does not show it.
    expect(placeholdersOf(plural('count', { one: 'ett kort', other: '{count} kort' }))).toEqual(['count']);
  });
  it('parses language tags', () => {
    expect(parseLang('sv_SE.UTF-8')).toBe('sv');
    expect(parseLang('en-GB')).toBe('en');
    expect(parseLang('de')).toBeUndefined();
  });
});
