import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allowedExternalUrl, createAppApiHandlers, invokeAppApi, openAllowed, suggestedReportName, type AppApiDeps } from '../../../electron/app-api.js';
import { invokeChannels } from '../../../electron/ipc-contract.js';
import { createFakeService } from './fake-service.js';

function setup(loginUrl?: string) {
  const service = createFakeService(loginUrl);
  const opened: string[] = [];
  const saved: { name: string; content: string }[] = [];
  let saveAnswer: string | null = '/home/anna/kortkoll.html';
  const deps: AppApiDeps = {
    openExternal: async (url) => {
      opened.push(url);
    },
    saveFile: async (name, content) => {
      saved.push({ name, content });
      return saveAnswer;
    },
    now: () => new Date(2026, 10, 25, 14, 5),
  };
  const handlers = createAppApiHandlers(service, deps);
  return { service, handlers, opened, saved, setSaveAnswer: (answer: string | null) => (saveAnswer = answer) };
}

describe('URL allowlist for opening pages outside the app', () => {
  const allowed = [
    ['http://personal.minavardkontakter.se', 'http://personal.minavardkontakter.se/'],
    ['https://personal.minavardkontakter.se/login?x=1', 'https://personal.minavardkontakter.se/login?x=1'],
    ['https://test.siths.se/', 'https://test.siths.se/'],
    ['http://test.siths.se/', 'http://test.siths.se/'],
    ['https://www.1177.se/om-1177', 'https://www.1177.se/om-1177'],
    ['https://1177.se', 'https://1177.se/'],
    ['https://inera.se/', 'https://inera.se/'],
    ['https://www.inera.se/siths', 'https://www.inera.se/siths'],
    ['HTTPS://TEST.SITHS.SE/', 'https://test.siths.se/'],
    ['https://test.siths.se:443/', 'https://test.siths.se/'],
  ] as const;
  it.each(allowed)('allows %s (opened as %s)', (url, normalised) => {
    expect(allowedExternalUrl(url)).toBe(normalised);
  });

  const refused = [
    'http://personal.minavardkontakter.se.evil.com',
    'https://personal.minavardkontakter.se.evil.com/',
    'https://evil.com/?u=https://test.siths.se/',
    'https://evil.com#test.siths.se',
    'https://test.siths.se.',
    'https://sub.test.siths.se/',
    'https://siths.se/',
    'https://www.1177.se.attacker.net/',
    'https://xn--1177-9ra.se/',
    'javascript:alert(1)',
    'JavaScript://test.siths.se/%0Aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'app://kortkoll/index.html',
    'ftp://test.siths.se/',
    'mailto:support@inera.se',
    'smb://test.siths.se/share',
    'https://user@test.siths.se/',
    'https://user:pass@test.siths.se/',
    'https://test.siths.se@evil.com/',
    'https://test.siths.se:8443/',
    'http://test.siths.se:80@evil.com/',
    'http://personal.minavardkontakter.se:8080/',
    'https://127.0.0.1/',
    '//test.siths.se/',
    'test.siths.se',
    '',
    ' ',
    `https://test.siths.se/${'a'.repeat(3000)}`,
  ];
  it.each(refused)('refuses %s', (url) => {
    expect(allowedExternalUrl(url)).toBeNull();
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, {}, ['https://test.siths.se/'], new URL('https://test.siths.se/')]) {
      expect(allowedExternalUrl(value)).toBeNull();
    }
  });

  it('follows a configured login page, including its own port, and only that port', () => {
    const login = 'http://localhost:8080/login';
    expect(allowedExternalUrl('http://localhost:8080/login', login)).toBe('http://localhost:8080/login');
    expect(allowedExternalUrl('http://localhost:9090/login', login)).toBeNull();
    expect(allowedExternalUrl('http://localhost/login', login)).toBeNull();
    // The default login host is no longer special when another one is configured.
    expect(allowedExternalUrl('http://personal.minavardkontakter.se/', login)).toBeNull();
    expect(allowedExternalUrl('https://test.siths.se/', login)).toBe('https://test.siths.se/');
  });

  it('never lets a host outside the list through, whatever the path, query or fragment', () => {
    const hosts = ['personal.minavardkontakter.se', 'test.siths.se', '1177.se', 'www.1177.se', 'inera.se', 'www.inera.se'];
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const result = allowedExternalUrl(url);
        if (result === null) return;
        const parsed = new URL(result);
        expect(hosts).toContain(parsed.hostname);
        expect(parsed.port).toBe('');
        expect(parsed.username + parsed.password).toBe('');
      }),
    );
  });
});

describe('app API handlers', () => {
  it('has exactly one handler per invoke channel', () => {
    const { handlers } = setup();
    expect(Object.keys(handlers).sort()).toEqual([...invokeChannels].sort());
  });

  it('delegates valid calls to the service', async () => {
    const { handlers, service } = setup();
    expect((await handlers['state:get']()).seq).toBe(service.getState().seq);
    expect((await handlers['diagnosis:run']({ online: true })).onlineChecks).toBe(true);
    expect(await handlers['report:render']({ format: 'json', redact: false })).toEqual({ ok: true, value: 'report json redact=false' });
    expect((await handlers['reader:choose']('Virtual PCD 00 00')).selectedReader).toBe('Virtual PCD 00 00');
    expect((await handlers['reader:choose'](null)).selectedReader).toBeNull();
    expect((await handlers['lang:set']('en')).lang).toBe('en');
    expect((await handlers['demo:list']()).map((card) => card.name)).toEqual(['netid-legacy', 'siths-eid-2024']);
    expect((await handlers['demo:use']('siths-eid-2024')).demoCard).toBe('siths-eid-2024');
    expect((await handlers['demo:use'](null)).demoCard).toBeNull();
    expect(service.calls.map((call) => call.method)).toEqual([
      'runDiagnosis',
      'renderReport',
      'chooseReader',
      'chooseReader',
      'setLanguage',
      'useDemoCard',
      'useDemoCard',
    ]);
  });

  const badCalls: [string, unknown[]][] = [
    ['state:get', [1]],
    ['diagnosis:run', []],
    ['diagnosis:run', [true]],
    ['diagnosis:run', [{ online: 'yes' }]],
    ['diagnosis:run', [{}]],
    ['diagnosis:run', [{ online: true, extra: 1 }]],
    ['diagnosis:run', [{ online: true }, 2]],
    ['diagnosis:run', [null]],
    ['diagnosis:run', [[true]]],
    ['report:render', [{ format: 'pdf', redact: true }]],
    ['report:render', [{ format: 'text' }]],
    ['report:render', [{ format: 'text', redact: 'false' }]],
    ['report:render', [{ format: 'text', redact: true, path: '/etc/passwd' }]],
    ['report:save', [{ format: 'exe', redact: true }]],
    ['report:save', ['html']],
    ['login:open', ['https://evil.com/']],
    ['reader:choose', [42]],
    ['reader:choose', ['']],
    ['reader:choose', ['No Such Reader']],
    ['reader:choose', ['x'.repeat(300)]],
    ['reader:choose', []],
    ['lang:set', ['de']],
    ['lang:set', ['SV']],
    ['lang:set', [null]],
    ['demo:list', [{}]],
    ['demo:use', ['no-such-card']],
    ['demo:use', [{ name: 'netid-legacy' }]],
    ['demo:use', []],
    ['card:probe', []],
    ['card:probe', [{}]],
    ['card:probe', [{ save: 'html' }]],
    ['card:probe', [{ save: null, path: '/etc/passwd' }]],
    ['card:probe', ['text']],
  ];
  it.each(badCalls)('rejects %s with %j as bad-argument, without calling the service', async (channel, args) => {
    const { handlers, service } = setup();
    const result = await invokeAppApi(handlers, channel, args);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('bad-argument');
    expect(service.calls).toEqual([]);
  });

  it('refuses an object that is not a plain object (a prototype could carry getters)', async () => {
    const { handlers } = setup();
    class Options {
      online = true;
    }
    const result = await invokeAppApi(handlers, 'diagnosis:run', [new Options()]);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
  });

  it('refuses unknown channels and argument lists that are not arrays', async () => {
    const { handlers } = setup();
    expect(await invokeAppApi(handlers, 'shell:exec', [])).toMatchObject({ ok: false, error: { code: 'bad-channel' } });
    expect(await invokeAppApi(handlers, '__proto__', [])).toMatchObject({ ok: false, error: { code: 'bad-channel' } });
    expect(await invokeAppApi(handlers, 'state:get', 'x')).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
  });

  it('wraps a failing service as {code, message}, never a stack trace', async () => {
    const { handlers, service } = setup();
    service.runDiagnosis = async () => {
      throw Object.assign(new Error('Card removed'), { code: 'card-removed' });
    };
    const result = await invokeAppApi(handlers, 'diagnosis:run', [{ online: false }]);
    expect(result).toEqual({ ok: false, error: { code: 'card-removed', message: 'Card removed' } });
  });

  it("card:probe: the card report as text in the app's language, saved as text or JSON when asked", async () => {
    const { handlers, service, saved, setSaveAnswer } = setup();
    const shown = await handlers['card:probe']({ save: null });
    expect(shown).toMatchObject({ ok: true, value: { saved: null } });
    if (shown.ok) expect(shown.value.text).toContain('Kortrapport från Kortkoll');
    expect(saved).toEqual([]);
    setSaveAnswer('/home/anna/kortrapport.json');
    expect(await handlers['card:probe']({ save: 'json' })).toMatchObject({ ok: true, value: { saved: { path: '/home/anna/kortrapport.json' } } });
    expect(saved[0]?.name).toBe('kortkoll-kortrapport-2026-11-25-1405.json');
    expect(JSON.parse(saved[0]?.content ?? '')).toMatchObject({ kind: 'kortkoll-card-probe-report' });
    await handlers['lang:set']('en');
    setSaveAnswer(null);
    const cancelled = await handlers['card:probe']({ save: 'text' });
    expect(cancelled).toMatchObject({ ok: true, value: { saved: null } });
    if (cancelled.ok) expect(cancelled.value.text).toContain('Card report from Kortkoll');
    expect(saved[1]?.name).toBe('kortkoll-card-report-2026-11-25-1405.txt');
    expect(saved[1]?.content).toContain('SELECT IDPrime applet');
    service.reportAvailable = false;
    expect(await handlers['card:probe']({ save: null })).toMatchObject({ ok: false, error: { code: 'no-card' } });
  });

  it('reports a missing report as a result, not a crash', async () => {
    const { handlers, service } = setup();
    service.reportAvailable = false;
    expect(await handlers['report:render']({ format: 'text', redact: true })).toMatchObject({ ok: false, error: { code: 'no-report' } });
    expect(await handlers['report:save']({ format: 'html', redact: true })).toMatchObject({ ok: false, error: { code: 'no-report' } });
  });

  it('saves the rendered report under a suggested name, and says when the user cancelled', async () => {
    const { handlers, saved, setSaveAnswer } = setup();
    expect(await handlers['report:save']({ format: 'html', redact: true })).toEqual({ ok: true, value: { path: '/home/anna/kortkoll.html' } });
    expect(saved).toEqual([{ name: 'kortkoll-rapport-2026-11-25-1405.html', content: 'report html redact=true' }]);
    setSaveAnswer(null);
    expect(await handlers['report:save']({ format: 'json', redact: false })).toEqual({ ok: true, value: null });
    expect(saved[1]?.name).toBe('kortkoll-rapport-2026-11-25-1405.json');
  });

  it('opens the configured login page through the allowlist', async () => {
    const { handlers, opened } = setup();
    expect(await handlers['login:open']()).toEqual({ ok: true, value: null });
    expect(opened).toEqual(['http://personal.minavardkontakter.se/']);
  });

  it('refuses to open a login page that is not a web address', async () => {
    const { handlers, opened } = setup('javascript:alert(1)');
    expect(await handlers['login:open']()).toMatchObject({ ok: false, error: { code: 'url-not-allowed' } });
    expect(opened).toEqual([]);
  });

  it('openAllowed opens the normalised address, never the original string', async () => {
    const opened: string[] = [];
    const result = await openAllowed('HTTPS://Test.SITHS.se:443/a/../b', 'http://personal.minavardkontakter.se', {
      openExternal: async (url) => void opened.push(url),
    });
    expect(result.ok).toBe(true);
    expect(opened).toEqual(['https://test.siths.se/b']);
  });

  it('names report files by language and format', () => {
    const at = new Date(2026, 0, 2, 3, 4);
    expect(suggestedReportName('sv', 'text', at)).toBe('kortkoll-rapport-2026-01-02-0304.txt');
    expect(suggestedReportName('en', 'html', at)).toBe('kortkoll-report-2026-01-02-0304.html');
  });
});
