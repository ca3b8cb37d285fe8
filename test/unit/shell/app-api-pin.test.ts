/**
 * `pin:operate`: the one IPC channel that carries PINs. Strict shapes (exact keys, a known kind and
 * PIN, 1–16 ASCII digits per field), typed refusals that never echo a value or a key, and service
 * failures that cross with a fixed message for their code.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAppApiHandlers, invokeAppApi, type AppApiDeps } from '../../../electron/app-api.js';
import { createFakeService } from './fake-service.js';

const secret = '913572';
const puk = '86420975';

function setup() {
  const service = createFakeService();
  const deps: AppApiDeps = { openExternal: async () => undefined, saveFile: async () => null };
  return { service, handlers: createAppApiHandlers(service, deps) };
}

const hexOf = (text: string) => Buffer.from(text, 'ascii').toString('hex');

function expectNoEcho(result: unknown, values: string[]): void {
  const text = JSON.stringify(result);
  for (const value of values) {
    expect(text).not.toContain(value);
    expect(text.toLowerCase()).not.toContain(hexOf(value));
  }
}

describe('pin:operate argument checks', () => {
  it('passes valid calls of each kind to the service (with the digits), and only the checked fields', async () => {
    const { handlers, service } = setup();
    const calls = [
      { kind: 'test', pin: 'authentication', values: { pin: secret }, confirmedLastTry: false },
      { kind: 'change', pin: 'signature', values: { current: secret, next: '246813', confirmation: '246813' }, confirmedLastTry: true },
      { kind: 'unblock', pin: 'authentication', values: { puk, next: '246813', confirmation: '246813' }, confirmedLastTry: true },
    ];
    for (const call of calls) {
      const result = await invokeAppApi(handlers, 'pin:operate', [call]);
      expect(result).toMatchObject({ ok: true, value: { outcome: { kind: 'refused' } } });
      expectNoEcho(result, [secret, puk, '246813']);
    }
    expect(service.calls.map((call) => call.args[0])).toEqual([
      { kind: 'test', pin: 'authentication', keys: ['pin'], confirmedLastTry: false },
      { kind: 'change', pin: 'signature', keys: ['confirmation', 'current', 'next'], confirmedLastTry: true },
      { kind: 'unblock', pin: 'authentication', keys: ['confirmation', 'next', 'puk'], confirmedLastTry: true },
    ]);
  });

  class Request {
    kind = 'test';
    pin = 'authentication';
    values = { pin: secret };
    confirmedLastTry = false;
  }
  const bad: [string, unknown[]][] = [
    ['no argument', []],
    ['two arguments', [{ kind: 'test', pin: 'authentication', values: { pin: secret }, confirmedLastTry: false }, secret]],
    ['a string', [secret]],
    ['null', [null]],
    ['an array', [[secret]]],
    ['a class instance', [new Request()]],
    ['a missing key', [{ kind: 'test', pin: 'authentication', values: { pin: secret } }]],
    ['an extra key named like the PIN', [{ kind: 'test', pin: 'authentication', values: { pin: secret }, confirmedLastTry: false, [secret]: secret }]],
    ['an unknown kind', [{ kind: 'probe', pin: 'authentication', values: { pin: secret }, confirmedLastTry: false }]],
    ['the PUK as the PIN to work on', [{ kind: 'test', pin: 'puk', values: { pin: secret }, confirmedLastTry: false }]],
    ['confirmedLastTry not a boolean', [{ kind: 'test', pin: 'authentication', values: { pin: secret }, confirmedLastTry: 'yes' }]],
    ['values of another kind', [{ kind: 'test', pin: 'authentication', values: { puk, next: secret, confirmation: secret }, confirmedLastTry: false }]],
    ['a value key too many', [{ kind: 'test', pin: 'authentication', values: { pin: secret, extra: secret }, confirmedLastTry: false }]],
    ['a value key missing', [{ kind: 'change', pin: 'authentication', values: { current: secret, next: '246813' }, confirmedLastTry: false }]],
    ['a number', [{ kind: 'test', pin: 'authentication', values: { pin: 913572 }, confirmedLastTry: false }]],
    ['letters', [{ kind: 'test', pin: 'authentication', values: { pin: `${secret}a` }, confirmedLastTry: false }]],
    ['spaces', [{ kind: 'test', pin: 'authentication', values: { pin: ` ${secret}` }, confirmedLastTry: false }]],
    ['an empty string', [{ kind: 'test', pin: 'authentication', values: { pin: '' }, confirmedLastTry: false }]],
    ['17 digits', [{ kind: 'test', pin: 'authentication', values: { pin: `${secret}${secret}12345` }, confirmedLastTry: false }]],
    ['non-ASCII digits', [{ kind: 'test', pin: 'authentication', values: { pin: '٩١٣٥٧٢' }, confirmedLastTry: false }]],
    ['a trailing newline', [{ kind: 'test', pin: 'authentication', values: { pin: `${secret}\n` }, confirmedLastTry: false }]],
    ['a String object', [{ kind: 'test', pin: 'authentication', values: { pin: Object(secret) as unknown }, confirmedLastTry: false }]],
    [
      'values with a prototype',
      [{ kind: 'test', pin: 'authentication', values: Object.assign(Object.create({ inherited: 1 }) as object, { pin: secret }), confirmedLastTry: false }],
    ],
  ];
  it.each(bad)('refuses %s as bad-argument, without calling the service or echoing the digits', async (_name, args) => {
    const { handlers, service } = setup();
    const result = await invokeAppApi(handlers, 'pin:operate', args);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
    expectNoEcho(result, [secret, puk, `${secret}${secret}12345`, '٩١٣٥٧٢']);
    expect(service.calls).toEqual([]);
  });

  it('never echoes whatever a page sends in any field (property test)', async () => {
    const { handlers } = setup();
    await fc.assert(
      // A marker no fixed message holds, so that finding it in the answer can only mean an echo.
      fc.asyncProperty(
        fc.string({ maxLength: 40 }).map((s) => `\u00a7${s}`),
        fc.constantFrom('pin', 'kind', 'pin-role', 'key'),
        async (value, where) => {
          const request: Record<string, unknown> = { kind: 'test', pin: 'authentication', values: { pin: '123456' }, confirmedLastTry: false };
          if (where === 'pin') request.values = { pin: value };
          else if (where === 'kind') request.kind = value;
          else if (where === 'pin-role') request.pin = value;
          else request[value] = value;
          const result = await invokeAppApi(handlers, 'pin:operate', [request]);
          expect(result.ok).toBe(false);
          expect(JSON.stringify(result)).not.toContain('\u00a7');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a failing service crosses with a fixed message for its code, never its own message', async () => {
    const { handlers, service } = setup();
    service.reportAvailable = false;
    const result = await invokeAppApi(handlers, 'pin:operate', [{ kind: 'test', pin: 'authentication', values: { pin: secret }, confirmedLastTry: false }]);
    expect(result).toEqual({ ok: false, error: { code: 'no-card', message: 'There is no card in the reader' } });
    service.pinOperation = async () => {
      throw new Error(`boom ${secret}`);
    };
    const unexpected = await invokeAppApi(handlers, 'pin:operate', [{ kind: 'test', pin: 'authentication', values: { pin: secret }, confirmedLastTry: false }]);
    expect(unexpected).toEqual({ ok: false, error: { code: 'pin-operation-failed', message: 'The PIN operation could not be done' } });
  });

  it('empties its checked copy of the digits once the service is done with them, also when it failed', async () => {
    const { handlers, service } = setup();
    const seen: Record<string, string>[] = [];
    const original = service.pinOperation;
    service.pinOperation = async (request) => {
      seen.push(request.values as Record<string, string>);
      expect(Object.values(request.values)).toEqual([secret]);
      return original(request);
    };
    const call = { kind: 'test', pin: 'authentication', values: { pin: secret }, confirmedLastTry: false };
    await invokeAppApi(handlers, 'pin:operate', [call]);
    service.reportAvailable = false;
    await invokeAppApi(handlers, 'pin:operate', [call]);
    expect(seen).toHaveLength(2);
    for (const values of seen) expect(values).toEqual({ pin: '' });
    // The page's own object is not the one the service got: it is left as the page sent it.
    expect(call.values.pin).toBe(secret);
  });
});
