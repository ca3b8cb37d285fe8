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
  it('reads the switch that follows an option without its value on its own, and the last of each option counts', () => {
    expect(parseDesktopArgs(['--demo', '--lang', 'en'])).toEqual({ demoCard: null, lang: 'en' });
    expect(parseDesktopArgs(['--lang=en', '--demo', '--enable-logging', '--demo', 'netid-legacy'])).toEqual({ demoCard: 'netid-legacy', lang: 'en' });
    expect(parseDesktopArgs(['--demo', 'netid-legacy', '--demo', '--no-sandbox'])).toEqual({ demoCard: 'netid-legacy' });
    expect(parseDesktopArgs(['--lang', 'en', '--lang', 'sv', '--demo=test-pki', '--demo=siths-eid-2024'])).toEqual({ demoCard: 'siths-eid-2024', lang: 'sv' });
  });
});
