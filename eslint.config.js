// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import globals from 'globals';

const nodeModules = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// ESLint's own defineConfig: typescript-eslint deprecates its tseslint.config() helper in its favour.
export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'renderer/dist/**', 'coverage/**', 'test-results/**', 'bin/**', 'release/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs,ts}'], ignores: ['renderer/**'], languageOptions: { globals: globals.node } },
  { files: ['renderer/**'], languageOptions: { globals: globals.browser } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The import boundary of the house (docs: architecture.md). Domain code gets a transport and a
  // clock; it never reaches for Electron or the PC/SC binding.
  {
    files: ['electron/card/**', 'electron/pki/**', 'electron/diagnostics/**', 'electron/login/**', 'electron/service.ts', 'electron/service-state.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Domain code must not import electron (architecture.md).' },
            { name: 'pcsclite', message: 'Only native/pcsc imports the PC/SC binding.' },
          ],
          patterns: [
            {
              group: ['**/native/pcsc/*', '**/renderer/**', '**/electron/main*', '**/electron/preload*'],
              message: 'Domain code receives a transport; it does not import the PC/SC layer or the shells.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['native/**', 'electron/cli.ts', 'electron/cli/**'],
    ignores: ['native/pcsc/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'pcsclite', message: 'Only native/pcsc imports the PC/SC binding.' },
            { name: 'electron', message: 'native/ and the CLI run without Electron.' },
          ],
        },
      ],
    },
  },
  // The byte core (architecture.md): hex, concat and equality, the ISO 7816 APDU codec and the
  // numbering of PKCS#15, shared by the card layer and the simulator (and so by a reader and the
  // virtual cards it is tested against). It sits under everything and imports only its own files;
  // this block replaces the native/** one above for these files, so it bans the rest by itself.
  {
    files: ['native/bytes.ts', 'native/apdu-codec.ts', 'native/pkcs15-asn1.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./(bytes|apdu-codec|pkcs15-asn1)\\.js$)',
              message: 'The byte core (native/bytes.ts, apdu-codec.ts, pkcs15-asn1.ts) imports nothing but itself.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeModules.map((name) => ({ name, message: 'The renderer runs sandboxed: no Node modules.' })),
            { name: 'electron', message: 'The renderer only knows the API that preload exposes.' },
            { name: 'pcsclite', message: 'The renderer only knows the API that preload exposes.' },
          ],
          patterns: [
            { group: ['**/native/**', '**/electron/**', '!**/electron/ipc-contract*'], message: 'The renderer only imports the shared IPC contract.' },
          ],
        },
      ],
    },
  },
);
