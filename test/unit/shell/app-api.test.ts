import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AppApiError,
  allowedExternalUrl,
  createAppApiHandlers,
  invokeAppApi,
  openAllowed,
  suggestedReportName,
  type AppApiDeps,
} from '../../../electron/app-api.js';
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
    expect(await handlers['report:render']({ format: 'json', redact: false })).toBe('report json redact=false');
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

  it('wraps a failing service as {code, message} with a fixed text for its code, never a stack trace', async () => {
    const { handlers, service } = setup();
    service.runDiagnosis = async () => {
      throw Object.assign(new Error('Card removed from Anna Andersson’s reader'), { code: 'card-removed' });
    };
    const result = await invokeAppApi(handlers, 'diagnosis:run', [{ online: false }]);
    expect(result).toEqual({ ok: false, error: { code: 'card-removed', message: 'The card was removed' } });
  });

  it('turns any other error into internal, with a generic message that is not the error’s own', async () => {
    const { handlers, service } = setup();
    const personal = 'Anna Andersson 19121212-1212';
    service.getState = () => {
      throw Object.assign(new Error(personal), { code: 'EPERSONAL', stack: `Error: ${personal}\n    at x` });
    };
    service.setLanguage = () => {
      throw personal;
    };
    for (const [channel, args] of [
      ['state:get', []],
      ['lang:set', ['en']],
    ] as const) {
      const result = await invokeAppApi(handlers, channel, args);
      expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'Internal error in Kortkoll' } });
      expect(JSON.stringify(result)).not.toContain('Anna');
    }
  });

  it('answers every channel with its value in the one envelope: no channel returns a success-or-failure value of its own', async () => {
    const { handlers } = setup();
    const valid: { [C in (typeof invokeChannels)[number]]: unknown[] } = {
      'state:get': [],
      'diagnosis:run': [{ online: false }],
      'report:render': [{ format: 'text', redact: true }],
      'report:save': [{ format: 'json', redact: true }],
      'login:open': [],
      'reader:choose': [null],
      'lang:set': ['en'],
      'demo:list': [],
      'demo:use': ['netid-legacy'],
      'card:probe': [{ save: null }],
      'pin:operate': [{ kind: 'test', pin: 'authentication', values: { pin: '123456' }, confirmedLastTry: false }],
    };
    for (const channel of invokeChannels) {
      const envelope = await invokeAppApi(handlers, channel, valid[channel]);
      expect(envelope.ok, channel).toBe(true);
      const value = envelope.ok ? envelope.value : undefined;
      const looksLikeAnEnvelope = typeof value === 'object' && value !== null && ('ok' in value || 'error' in value);
      expect(looksLikeAnEnvelope, channel).toBe(false);
    }
  });

  it("card:probe: the card report as text in the app's language, saved as text or JSON when asked", async () => {
    const { handlers, service, saved, setSaveAnswer } = setup();
    const shown = await handlers['card:probe']({ save: null });
    expect(shown.saved).toBeNull();
    expect(shown.text).toContain('Kortrapport från Kortkoll');
    expect(saved).toEqual([]);
    setSaveAnswer('/home/anna/kortrapport.json');
    expect((await handlers['card:probe']({ save: 'json' })).saved).toEqual({ path: '/home/anna/kortrapport.json' });
    expect(saved[0]?.name).toBe('kortkoll-kortrapport-2026-11-25-1405.json');
    expect(JSON.parse(saved[0]?.content ?? '')).toMatchObject({ kind: 'kortkoll-card-probe-report' });
    await handlers['lang:set']('en');
    setSaveAnswer(null);
    const cancelled = await handlers['card:probe']({ save: 'text' });
    expect(cancelled.saved).toBeNull();
    expect(cancelled.text).toContain('Card report from Kortkoll');
    expect(saved[1]?.name).toBe('kortkoll-card-report-2026-11-25-1405.txt');
    expect(saved[1]?.content).toContain('SELECT IDPrime applet');
    service.reportAvailable = false;
    await expect(handlers['card:probe']({ save: null })).rejects.toMatchObject({ code: 'no-card', message: 'There is no card in the reader' });
    await expect(handlers['card:probe']({ save: null })).rejects.toBeInstanceOf(AppApiError);
  });

  it('card:probe: a probe that fails without a known code is probe-failed, a failed save is save-failed, neither with the error’s text', async () => {
    const { handlers, service } = setup();
    service.probeCard = async () => {
      throw new Error('reader of Anna Andersson exploded');
    };
    expect(await invokeAppApi(handlers, 'card:probe', [{ save: null }])).toEqual({
      ok: false,
      error: { code: 'probe-failed', message: 'The card could not be asked' },
    });
    const failingSave = createAppApiHandlers(createFakeService(), {
      openExternal: async () => undefined,
      saveFile: async () => {
        throw Object.assign(new Error("EACCES: permission denied, open '/home/anna/kortrapport.txt'"), { code: 'EACCES' });
      },
    });
    for (const [channel, options] of [
      ['card:probe', { save: 'text' }],
      ['report:save', { format: 'html', redact: true }],
    ] as const) {
      expect(await invokeAppApi(failingSave, channel, [options])).toEqual({
        ok: false,
        error: { code: 'save-failed', message: 'The file could not be saved' },
      });
    }
  });

  it('rejects with no-report when there is no report yet, not a crash', async () => {
    const { handlers, service } = setup();
    service.reportAvailable = false;
    await expect(handlers['report:render']({ format: 'text', redact: true })).rejects.toMatchObject({ code: 'no-report' });
    await expect(handlers['report:save']({ format: 'html', redact: true })).rejects.toMatchObject({ code: 'no-report' });
  });

  it('saves the rendered report under a suggested name, and says when the user cancelled', async () => {
    const { handlers, saved, setSaveAnswer } = setup();
    expect(await handlers['report:save']({ format: 'html', redact: true })).toEqual({ path: '/home/anna/kortkoll.html' });
    expect(saved).toEqual([{ name: 'kortkoll-rapport-2026-11-25-1405.html', content: 'report html redact=true' }]);
    setSaveAnswer(null);
    expect(await handlers['report:save']({ format: 'json', redact: false })).toBeNull();
    expect(saved[1]?.name).toBe('kortkoll-rapport-2026-11-25-1405.json');
  });

  it('opens the configured login page through the allowlist', async () => {
    const { handlers, opened } = setup();
    expect(await handlers['login:open']()).toBeNull();
    expect(opened).toEqual(['http://personal.minavardkontakter.se/']);
  });

  it('refuses to open a login page that is not a web address', async () => {
    const { handlers, opened } = setup('javascript:alert(1)');
    await expect(handlers['login:open']()).rejects.toMatchObject({ code: 'url-not-allowed' });
    expect(opened).toEqual([]);
  });

  it('says open-failed when the browser cannot be started', async () => {
    const handlers = createAppApiHandlers(createFakeService(), {
      openExternal: async () => {
        throw new Error('xdg-open: no such file');
      },
      saveFile: async () => null,
    });
    expect(await invokeAppApi(handlers, 'login:open', [])).toEqual({ ok: false, error: { code: 'open-failed', message: 'The page could not be opened' } });
  });

  it('openAllowed opens the normalised address, never the original string', async () => {
    const opened: string[] = [];
    await openAllowed('HTTPS://Test.SITHS.se:443/a/../b', 'http://personal.minavardkontakter.se', {
      openExternal: async (url) => void opened.push(url),
    });
    expect(opened).toEqual(['https://test.siths.se/b']);
  });

  it('names report files by language and format', () => {
    const at = new Date(2026, 0, 2, 3, 4);
    expect(suggestedReportName('sv', 'text', at)).toBe('kortkoll-rapport-2026-01-02-0304.txt');
    expect(suggestedReportName('en', 'html', at)).toBe('kortkoll-report-2026-01-02-0304.html');
  });
});
