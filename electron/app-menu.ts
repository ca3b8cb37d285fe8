/**
 * The application menu (Arkiv, Redigera, Visa, Hjälp) as a template; Swedish by default, English
 * when the user switches language. Built from Electron's standard roles where one exists, so
 * shortcuts and platform behaviour come for free. Only types are imported from Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { defineMessages, type Lang } from './i18n/index.js';

export const desktopMessages = defineMessages(
  'desktop',
  {
    file: 'Arkiv',
    rerun: 'Kontrollera kortet igen',
    saveReport: 'Spara rapport…',
    quit: 'Avsluta',
    edit: 'Redigera',
    undo: 'Ångra',
    redo: 'Gör om',
    cut: 'Klipp ut',
    copy: 'Kopiera',
    paste: 'Klistra in',
    selectAll: 'Markera allt',
    view: 'Visa',
    resetZoom: 'Normal storlek',
    zoomIn: 'Zooma in',
    zoomOut: 'Zooma ut',
    fullScreen: 'Helskärm',
    reload: 'Läs in sidan igen',
    devTools: 'Utvecklarverktyg',
    help: 'Hjälp',
    cardTestPage: 'Testa kortet på test.siths.se',
    loginPage: 'Öppna inloggningssidan',
    about: 'Om Kortkoll',
    aboutDetail:
      'Kortkoll {version}\nKontrollerar e-tjänstekort (SITHS) före inloggning.\nKortkoll frågar bara efter PIN-koden när du själv vill testa, byta eller låsa upp den, och sparar den aldrig.',
    saveDialogTitle: 'Spara rapport',
    htmlFiles: 'Webbsida (HTML)',
    jsonFiles: 'JSON',
    textFiles: 'Text',
  },
  {
    file: 'File',
    rerun: 'Check the card again',
    saveReport: 'Save report…',
    quit: 'Quit',
    edit: 'Edit',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select all',
    view: 'View',
    resetZoom: 'Actual size',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    fullScreen: 'Full screen',
    reload: 'Reload',
    devTools: 'Developer tools',
    help: 'Help',
    cardTestPage: 'Test the card at test.siths.se',
    loginPage: 'Open the login page',
    about: 'About Kortkoll',
    aboutDetail:
      'Kortkoll {version}\nChecks a SITHS card (e-tjänstekort) before login.\nKortkoll asks for your PIN only when you choose to test, change or unblock it, and never keeps it.',
    saveDialogTitle: 'Save report',
    htmlFiles: 'Web page (HTML)',
    jsonFiles: 'JSON',
    textFiles: 'Text',
  },
);

export interface MenuActions {
  rerun(): void;
  saveReport(): void;
  openCardTestPage(): void;
  openLoginPage(): void;
  showAbout(): void;
}

export const cardTestPageUrl = 'https://test.siths.se/';

export function buildMenuTemplate(lang: Lang, actions: MenuActions, options: { isMac: boolean; developer: boolean }): MenuItemConstructorOptions[] {
  const m = (key: Parameters<typeof desktopMessages.t>[0]) => desktopMessages.t(key, lang);
  const template: MenuItemConstructorOptions[] = [];
  if (options.isMac) template.push({ role: 'appMenu' });
  template.push(
    {
      label: m('file'),
      submenu: [
        { label: m('rerun'), accelerator: 'F5', click: () => actions.rerun() },
        { label: m('saveReport'), accelerator: 'CmdOrCtrl+S', click: () => actions.saveReport() },
        { type: 'separator' },
        { role: options.isMac ? 'close' : 'quit', label: m('quit') },
      ],
    },
    {
      label: m('edit'),
      submenu: [
        { role: 'undo', label: m('undo') },
        { role: 'redo', label: m('redo') },
        { type: 'separator' },
        { role: 'cut', label: m('cut') },
        { role: 'copy', label: m('copy') },
        { role: 'paste', label: m('paste') },
        { role: 'selectAll', label: m('selectAll') },
      ],
    },
    {
      label: m('view'),
      submenu: [
        { role: 'resetZoom', label: m('resetZoom') },
        { role: 'zoomIn', label: m('zoomIn') },
        { role: 'zoomOut', label: m('zoomOut') },
        { type: 'separator' },
        { role: 'togglefullscreen', label: m('fullScreen') },
        ...(options.developer
          ? ([{ type: 'separator' }, { role: 'reload', label: m('reload') }, { role: 'toggleDevTools', label: m('devTools') }] as MenuItemConstructorOptions[])
          : []),
      ],
    },
    {
      label: m('help'),
      role: 'help',
      submenu: [
        { label: m('cardTestPage'), click: () => actions.openCardTestPage() },
        { label: m('loginPage'), click: () => actions.openLoginPage() },
        { type: 'separator' },
        { label: m('about'), click: () => actions.showAbout() },
      ],
    },
  );
  return template;
}
