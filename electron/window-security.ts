/**
 * The security policy of the desktop window, kept apart from `main.ts` so each rule can be read in
 * one place and tested with a mocked Electron: web preferences, the Content-Security-Policy, which
 * frames may call the API, and the handlers that refuse navigation, new windows, webviews and
 * permission requests. Only types are imported from Electron.
 */
import type { Session, WebContents, WebFrameMain } from 'electron';

/** The renderer is served from this privileged scheme and host (see app-protocol.ts). */
export const appScheme = 'app';
export const appHost = 'kortkoll';
export const appEntryUrl = `${appScheme}://${appHost}/index.html`;

/**
 * Everything from our own origin only, nothing inline (no inline scripts, no style attributes or
 * <style> blocks: `style-src 'self'`), no plugins, no <base>, no form posts, never framed.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * True when `url` is a page of our own renderer. Compared by protocol and host, not by
 * `URL.origin`: Node reports the origin of a non-special scheme such as app: as "null".
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${appScheme}:` && parsed.host === appHost && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** Who may call the API: only the main frame of our own window, showing our own page. */
export function isTrustedSender(frame: WebFrameMain | null | undefined, window: { webContents: WebContents } | null | undefined): boolean {
  if (!frame || !window) return false;
  if (frame !== window.webContents.mainFrame) return false;
  return isAppUrl(frame.url);
}

/**
 * Applied to every web contents the app creates: no navigation away from the renderer, no new
 * windows, no webviews. A link to an allowed web page (the login page, test.siths.se, 1177.se,
 * inera.se) is handed to `openExternal`, which checks the allowlist again before the browser opens.
 */
export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (!isAppUrl(url)) openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * Permissions the renderer may have: writing plain text to the clipboard (the "copy the report"
 * button), and only for our own page. Everything else — camera, notifications, geolocation,
 * smart cards, HID, USB, serial, opening external protocols — is refused.
 */
const grantedPermissions: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionGranted(permission: string, requestingUrl: string): boolean {
  return grantedPermissions.has(permission) && isAppUrl(requestingUrl);
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl ?? contents.getURL()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    return isPermissionGranted(permission, details.requestingUrl ?? requestingOrigin);
  });
  session.setDevicePermissionHandler(() => false);
  // Defence in depth: whatever this session ever loads over HTTP(S) gets our policy too. The literal
  // is repeated here (a unit test keeps it equal to contentSecurityPolicy) so that Electronegativity,
  // which reads the policy from this call, can check it.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
}
