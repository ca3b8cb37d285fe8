/**
 * Step 3 of the login guide in each state of the browser-store check (issue 14): the demo card
 * read, then a browser store as each platform's probe would report it, built around the card's own
 * login certificate. Writes test-results/screenshots/step3-<state>-<lang>.png (with
 * KORTKOLL_UPDATE_SCREENSHOTS=1 also docs/screenshots) and checks the text of step 3.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests } from './harness/browser.js';
import { repoRoot } from './harness/build.js';
import { expectVerdictShown, openScenario, selectTab, startEnvironment, type E2eEnvironment } from './harness/environment.js';
import { createKortkollService } from '../../electron/service.js';
import type { KortkollService } from '../../electron/service-types.js';
import type { BrowserStoreView, StoreCertificate } from '../../native/system/index.js';

const skip = skipBrowserTests();
const screenshotDirs = [
  path.join(repoRoot, 'test-results', 'screenshots'),
  ...(process.env.KORTKOLL_UPDATE_SCREENSHOTS === '1' ? [path.join(repoRoot, 'docs', 'screenshots')] : []),
];

type Login = { sha1: string; subject: string; issuer: string; validTo: string };
const old: StoreCertificate = {
  sha1: '9E2D4C6A8B0F1E3D5C7B9A8F6E4D2C0B1A3F5E7D',
  subject: 'CN=Åsa Lindström, O=Region Stockholm',
  issuer: 'CN=SITHS Type 1 CA v1, O=Inera AB',
  notAfter: '2024-02-28T22:59:59.000Z',
  hasPrivateKey: true,
  onSmartCard: true,
  provider: 'Net iD - CSP',
};
const cert = (l: Login, provider = 'Microsoft Smart Card Key Storage Provider', onSmartCard = true): StoreCertificate => ({
  sha1: l.sha1.replace(/:/g, ''),
  subject: l.subject,
  issuer: l.issuer,
  notAfter: `${l.validTo}T12:00:00.000Z`,
  hasPrivateKey: true,
  onSmartCard,
  provider,
});
const windows = (certificates: StoreCertificate[]): BrowserStoreView => ({
  kind: 'windows-personal',
  browsers: ['edge', 'chrome'],
  location: 'Cert:\\CurrentUser\\My',
  detail: '',
  status: 'ok',
  certificates,
});
const nss = (browsers: string[], location: string, modules: BrowserStoreView['modules'], certificates: StoreCertificate[]): BrowserStoreView => ({
  kind: 'nss',
  browsers,
  location,
  detail: '',
  status: 'ok',
  certificates,
  modules,
});
const internal = { name: 'NSS Internal PKCS #11 Module', library: null, kind: 'internal' as const, tokens: ['NSS Certificate DB'], status: 'loaded' };

const states: { name: string; stores: (l: Login) => BrowserStoreView[]; expect: RegExp }[] = [
  { name: 'shows', stores: (l) => [windows([cert(l)])], expect: /Din webbläsare visar det/ },
  { name: 'stale', stores: (l) => [windows([old, cert(l)])], expect: /Din webbläsare visar det/ },
  { name: 'missing', stores: () => [windows([])], expect: /Det kommer inte att synas: gör så här först/ },
  { name: 'software-key', stores: (l) => [windows([cert(l, 'Microsoft Software Key Storage Provider', false)])], expect: /Det kommer inte att synas/ },
  { name: 'firefox-no-module', stores: () => [nss(['firefox'], '/home/asa/.mozilla/firefox/abcd.default-esr', [internal], [])], expect: /Säkerhetsenheter/ },
  { name: 'chromium-no-module', stores: () => [nss(['chromium'], '/home/asa/.pki/nssdb', [internal], [])], expect: /modutil/ },
  {
    name: 'module-sees-no-card',
    stores: () => [
      nss(
        ['chromium'],
        '/home/asa/.pki/nssdb',
        [internal, { name: 'OpenSC', library: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', kind: 'card', tokens: [], status: 'loaded' }],
        [],
      ),
    ],
    expect: /Det kommer inte att synas/,
  },
  {
    name: 'unknown',
    stores: () => [
      {
        kind: 'windows-personal',
        browsers: ['edge'],
        location: 'Cert:\\CurrentUser\\My',
        detail: '',
        status: 'unknown',
        note: 'program not found',
        certificates: [],
      },
    ],
    expect: /^(?!.*(visar det|kommer inte att synas)).*$/s,
  },
];

describe.skipIf(skip)('step 3 of the login guide in each browser-store state (screenshots)', () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.close();
  });

  it.each(states)(
    '$name',
    async (state) => {
      let service: KortkollService | null = null;
      service = createKortkollService({
        demoCard: 'netid-legacy',
        inspectBrowserStores: async () => {
          const login = service!.getState().report!.certificates.find((c) => c.isLoginCertificate)!;
          return state.stores({
            sha1: login.sha1,
            subject: `SERIALNUMBER=${login.subjectSerialNumber ?? ''}, CN=${login.subjectCommonName}`,
            issuer: `CN=${login.issuerCommonName}`,
            validTo: login.validTo,
          });
        },
      });
      const scenario = await openScenario(env, { service });
      try {
        const { page } = scenario.app;
        await expect.poll(() => service!.getState().report?.checks.find((c) => c.id === 'browser-store')?.summary ?? '').not.toMatch(/inte kontrollerats ännu/);
        await expectVerdictShown(scenario);
        await selectTab(page, 'login');
        const step3 = service.getState().guide.steps[2]!;
        expect(step3.detail).toMatch(state.expect);
        await expect.poll(() => page.getByText(step3.detail.slice(0, 40), { exact: false }).count()).toBeGreaterThan(0);
        for (const dir of screenshotDirs) {
          mkdirSync(dir, { recursive: true });
          await page.screenshot({ path: path.join(dir, `step3-${state.name}-sv.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
        }
      } finally {
        await scenario.close();
      }
    },
    60_000,
  );
});
