/*
 * Firefox's sidebar, opened from the first-run page (the Chrome build omits this file). Must
 * run in the click's own handler, with nothing awaited before it.
 */
export function openPanel() {
  return browser.sidebarAction.open();
}
