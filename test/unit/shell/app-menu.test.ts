import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate, desktopMessages, type MenuActions } from '../../../electron/app-menu.js';

function actions() {
  const calls: string[] = [];
  const record = (name: string) => () => void calls.push(name);
  const menuActions: MenuActions = {
    rerun: record('rerun'),
    saveReport: record('saveReport'),
    openCardTestPage: record('openCardTestPage'),
    openLoginPage: record('openLoginPage'),
    showAbout: record('showAbout'),
  };
  return { calls, menuActions };
}

const submenu = (item: MenuItemConstructorOptions | undefined) => (item?.submenu ?? []) as MenuItemConstructorOptions[];

describe('application menu', () => {
  it('is Swedish by default: Arkiv, Redigera, Visa, Hjälp, with the standard roles', () => {
    const template = buildMenuTemplate('sv', actions().menuActions, { isMac: false, developer: false });
    expect(template.map((item) => item.label)).toEqual(['Arkiv', 'Redigera', 'Visa', 'Hjälp']);
    expect(
      submenu(template[1])
        .map((item) => item.role)
        .filter(Boolean),
    ).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
    expect(
      submenu(template[1])
        .map((item) => item.label)
        .filter(Boolean),
    ).toEqual(['Ångra', 'Gör om', 'Klipp ut', 'Kopiera', 'Klistra in', 'Markera allt']);
    expect(submenu(template[0]).find((item) => item.role === 'quit')?.label).toBe('Avsluta');
  });

  it('has no developer tools or reload in a packaged app', () => {
    const roles = (developer: boolean) => submenu(buildMenuTemplate('sv', actions().menuActions, { isMac: false, developer })[2]).map((item) => item.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('wires the items to their actions', () => {
    const { calls, menuActions } = actions();
    const template = buildMenuTemplate('en', menuActions, { isMac: true, developer: false });
    expect(template[0]).toEqual({ role: 'appMenu' });
    for (const item of [...submenu(template[1]), ...submenu(template[4])]) (item.click as (() => void) | undefined)?.();
    expect(calls).toEqual(['rerun', 'saveReport', 'openCardTestPage', 'openLoginPage', 'showAbout']);
  });

  it('has every message in both languages', () => {
    expect(Object.keys(desktopMessages.en).sort()).toEqual(Object.keys(desktopMessages.sv).sort());
  });
});
