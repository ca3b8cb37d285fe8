import { describe, expect, it } from 'vitest';
import { defineMessages, formatMessage, parseLang, placeholdersOf } from '../../../electron/i18n/index.js';

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
  it('parses language tags', () => {
    expect(parseLang('sv_SE.UTF-8')).toBe('sv');
    expect(parseLang('en-GB')).toBe('en');
    expect(parseLang('de')).toBeUndefined();
  });
});
