/**
 * electron/preload.ts against a mocked `electron`: what reaches the page is one frozen object with
 * exactly the contract's methods; calls go to the right channel; failures arrive as {code, message};
 * listeners never see ipcRenderer or the IPC event.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { apiNames, invokeChannels, type AppState, type KortkollApi } from '../../../electron/ipc-contract.js';

const fake = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const invocations: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  let answer: (channel: string, args: unknown[]) => unknown = () => ({ ok: true, value: null });
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      invocations.push({ channel, args });
      return answer(channel, args);
    },
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
      listeners.set(
        channel,
        (listeners.get(channel) ?? []).filter((l) => l !== listener),
      );
      return ipcRenderer;
    },
  };
  const contextBridge = { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) };
  return { exposed, invocations, listeners, ipcRenderer, contextBridge, setAnswer: (fn: typeof answer) => (answer = fn) };
});

vi.mock('electron', () => ({
  contextBridge: fake.contextBridge,
  ipcRenderer: fake.ipcRenderer,
  default: { contextBridge: fake.contextBridge, ipcRenderer: fake.ipcRenderer },
}));

let api: KortkollApi;
beforeAll(async () => {
  await import('../../../electron/preload.js');
  api = fake.exposed.get('kortkoll') as KortkollApi;
});

describe('preload', () => {
  it('exposes only window.kortkoll, frozen, with one method per channel plus onStateChanged', () => {
    expect([...fake.exposed.keys()]).toEqual(['kortkoll']);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual([...Object.values(apiNames), 'onStateChanged'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|invoke|send/i);
  });

  it('sends each method to its own channel with the arguments as given, and resolves with the envelope’s value', async () => {
    fake.setAnswer((channel) => ({ ok: true, value: channel }));
    for (const channel of invokeChannels) {
      const method = (api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[apiNames[channel]]!;
      expect(await method({ online: true })).toBe(channel);
      expect(fake.invocations.at(-1)).toEqual({ channel, args: [{ online: true }] });
    }
  });

  it('turns a failure into a rejected promise carrying {code, message}', async () => {
    fake.setAnswer(() => ({ ok: false, error: { code: 'bad-argument', message: 'lang:set: language must be one of sv, en', stack: 'secret' } }));
    await expect(api.setLanguage('de' as never)).rejects.toEqual({ code: 'bad-argument', message: 'lang:set: language must be one of sv, en' });
    for (const answer of ['not an envelope', null, { ok: true }, { ok: false, error: 'boom' }, { ok: 'yes', value: 1 }]) {
      fake.setAnswer(() => answer);
      await expect(api.getState()).rejects.toEqual({ code: 'bad-response', message: 'The main process sent an unexpected response.' });
    }
  });

  it('hands listeners the state only, and stops when unsubscribed', () => {
    const received: unknown[][] = [];
    const unsubscribe = api.onStateChanged((...args: unknown[]) => received.push(args));
    const state = { seq: 7 } as AppState;
    for (const listener of fake.listeners.get('state:changed') ?? []) listener({ sender: fake.ipcRenderer, senderId: 0 }, state);
    expect(received).toEqual([[state]]);
    unsubscribe();
    expect(fake.listeners.get('state:changed')).toEqual([]);
    expect(() => api.onStateChanged('not a function' as never)).toThrow(TypeError);
  });
});
