/**
 * Runs inside the test page before the renderer (bundled to an init script by app-page.ts): builds
 * `window.kortkoll` with the same code preload uses (electron/preload-api.ts), over two Playwright
 * bindings instead of ipcRenderer. Also records Content-Security-Policy violations for the tests.
 */
import { buildKortkollApi } from '../../../electron/preload-api.js';
import type { AppState, InvokeChannel } from '../../../electron/ipc-contract.js';

interface BridgeWindow {
  __kortkollInvoke?: (channel: InvokeChannel, args: unknown[]) => Promise<unknown>;
  __kortkollNextState?: (afterSeq: number) => Promise<AppState>;
  __cspViolations?: string[];
}

const bridge = window as unknown as BridgeWindow;
bridge.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  bridge.__cspViolations?.push(`${event.violatedDirective} ${event.blockedURI}`);
});

const listeners = new Set<(state: AppState) => void>();
let lastSeq = -1;
let polling = false;

async function pollStates(): Promise<void> {
  polling = true;
  try {
    while (listeners.size > 0 && bridge.__kortkollNextState) {
      const state = await bridge.__kortkollNextState(lastSeq);
      if (state.seq <= lastSeq) continue;
      lastSeq = state.seq;
      for (const listener of [...listeners]) listener(state);
    }
  } finally {
    polling = false;
  }
}

const api = buildKortkollApi(
  (channel, args) => {
    if (!bridge.__kortkollInvoke) return Promise.reject({ code: 'no-bridge', message: 'test bridge missing' });
    return bridge.__kortkollInvoke(channel, args);
  },
  (listener) => {
    listeners.add(listener);
    if (!polling) void pollStates();
    return () => {
      listeners.delete(listener);
    };
  },
);

Object.defineProperty(window, 'kortkoll', { value: api, writable: false, configurable: false, enumerable: true });
