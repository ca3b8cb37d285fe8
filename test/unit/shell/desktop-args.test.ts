import { describe, expect, it } from 'vitest';
import { parseDesktopArgs } from '../../../electron/desktop-args.js';

describe('desktop command line', () => {
  it('reads --demo and --lang in both spellings', () => {
    expect(parseDesktopArgs(['--demo', 'netid-legacy'])).toEqual({ demoCard: 'netid-legacy' });
    expect(parseDesktopArgs(['--demo=auth-pin-blocked', '--lang=en'])).toEqual({ demoCard: 'auth-pin-blocked', lang: 'en' });
    expect(parseDesktopArgs(['.', '--lang', 'sv-SE', '--demo', 'test-pki'])).toEqual({ demoCard: 'test-pki', lang: 'sv' });
  });
  it('ignores Chromium switches, a missing value and an unknown language', () => {
    expect(parseDesktopArgs(['--no-sandbox', '--enable-logging'])).toEqual({ demoCard: null });
    expect(parseDesktopArgs(['--demo'])).toEqual({ demoCard: null });
    expect(parseDesktopArgs(['--demo', '--lang', 'de'])).toEqual({ demoCard: null });
    expect(parseDesktopArgs(['--demo='])).toEqual({ demoCard: null });
  });
});
