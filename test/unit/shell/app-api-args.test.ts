/**
 * The one validator per IPC channel (electron/app-api-args.ts): each channel fed wrong counts, wrong
 * types and oversized strings is refused as bad-argument, through the handlers the app wires (so the
 * service never sees the call); valid arguments come back as fresh values of exactly the contract's
 * shape.
 */
import { describe, expect, it } from 'vitest';
import { AppApiError, channelValidators } from '../../../electron/app-api-args.js';
import { createAppApiHandlers, invokeAppApi } from '../../../electron/app-api.js';
import { invokeChannels, type InvokeChannel } from '../../../electron/ipc-contract.js';
import { createFakeService } from './fake-service.js';

const long = 'x'.repeat(257);
const pinCall = (values: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  kind: 'test',
  pin: 'authentication',
  values,
  confirmedLastTry: false,
  ...extra,
});

/** Per channel: a valid argument list, and lists that must be refused. */
const cases: { readonly [C in InvokeChannel]: { valid: unknown[]; refused: [string, unknown[]][] } } = {
  'state:get': { valid: [], refused: [['an argument', [1]]] },
  'diagnosis:run': {
    valid: [{ online: true, recheckPins: false }],
    refused: [
      ['no argument', []],
      ['two arguments', [{ online: true }, { online: true }]],
      ['a boolean', [true]],
      ['online as a string', [{ online: 'true' }]],
      ['recheckPins as a number', [{ online: true, recheckPins: 1 }]],
      ['an unknown key', [{ online: true, [long]: 1 }]],
    ],
  },
  'report:render': {
    valid: [{ format: 'html', redact: true }],
    refused: [
      ['no argument', []],
      ['an unknown format', [{ format: 'pdf', redact: true }]],
      ['an oversized format', [{ format: long, redact: true }]],
      ['redact missing', [{ format: 'text' }]],
      ['a string', ['text']],
    ],
  },
  'report:save': {
    valid: [{ format: 'json', redact: false }],
    refused: [
      ['two arguments', [{ format: 'json', redact: false }, '/tmp/x']],
      ['a path', [{ format: 'json', redact: false, path: '/etc/passwd' }]],
      ['redact as a string', [{ format: 'json', redact: 'no' }]],
    ],
  },
  'login:open': { valid: [], refused: [['an address', ['https://evil.com/']]] },
  'reader:choose': {
    valid: ['Virtual PCD 00 00'],
    refused: [
      ['no argument', []],
      ['a number', [0]],
      ['an empty name', ['']],
      ['an oversized name', [long]],
      ['an object', [{ name: 'Virtual PCD 00 00' }]],
      ['two arguments', ['Virtual PCD 00 00', null]],
    ],
  },
  'lang:set': {
    valid: ['en'],
    refused: [
      ['no argument', []],
      ['an unknown language', ['de']],
      ['upper case', ['EN']],
      ['an oversized string', [long]],
      ['null', [null]],
    ],
  },
  'demo:list': { valid: [], refused: [['an argument', [{}]]] },
  'demo:use': {
    valid: [null],
    refused: [
      ['no argument', []],
      ['an oversized name', [long]],
      ['an array', [['netid-legacy']]],
      ['undefined', [undefined]],
    ],
  },
  'card:probe': {
    valid: [{ save: 'json' }],
    refused: [
      ['no argument', []],
      ['save missing', [{}]],
      ['an unknown format', [{ save: 'html' }]],
      ['an oversized format', [{ save: long }]],
      ['two arguments', [{ save: null }, { save: null }]],
    ],
  },
  'pin:operate': {
    valid: [pinCall({ pin: '123456' })],
    refused: [
      ['no argument', []],
      ['two arguments', [pinCall({ pin: '123456' }), '123456']],
      ['17 digits', [pinCall({ pin: '12345678901234567' })]],
      ['an oversized string', [pinCall({ pin: '1'.repeat(10_000) })]],
      ['a number', [pinCall({ pin: 123456 })]],
      ['an extra key', [pinCall({ pin: '123456' }, { reader: 'x' })]],
    ],
  },
};

describe('one validator per channel', () => {
  it('has a validator and a table row for every channel of the contract', () => {
    expect(Object.keys(channelValidators).sort()).toEqual([...invokeChannels].sort());
    expect(Object.keys(cases).sort()).toEqual([...invokeChannels].sort());
  });

  const refused = invokeChannels.flatMap((channel) => cases[channel].refused.map(([what, args]) => [channel, what, args] as const));
  it.each(refused)('%s refuses %s as bad-argument, and the service is not called', async (channel, _what, args) => {
    let thrown: unknown;
    try {
      channelValidators[channel](args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppApiError);
    expect(thrown).toMatchObject({ code: 'bad-argument', message: expect.stringMatching(new RegExp(`^${channel}: `)) });
    const service = createFakeService();
    const handlers = createAppApiHandlers(service, { openExternal: async () => undefined, saveFile: async () => null });
    const envelope = await invokeAppApi(handlers, channel, args);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
    // A refusal never repeats an oversized value back.
    expect(JSON.stringify(envelope)).not.toContain(long);
    expect(service.calls).toEqual([]);
  });

  it.each(invokeChannels)('%s accepts its valid arguments and returns them as fresh values of the same shape', (channel) => {
    const { valid } = cases[channel];
    const parsed = channelValidators[channel](valid) as unknown[];
    expect(parsed).toEqual(valid);
    parsed.forEach((value, index) => {
      if (typeof value === 'object' && value !== null) expect(value).not.toBe(valid[index]);
    });
  });

  it('drops nothing a valid optional key carries, and adds no key that was not sent', () => {
    expect(channelValidators['diagnosis:run']([{ online: false }])).toEqual([{ online: false }]);
    expect(Object.keys(channelValidators['diagnosis:run']([{ online: false }])[0])).toEqual(['online']);
  });
});
