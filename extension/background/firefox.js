/*
 * What only Firefox's background page does (background.html loads it; the Chrome build omits it):
 * the toolbar button opens the sidebar, SecondSelf's panel in Firefox. (The engine host is
 * engine-host.js, a module of the same page.) `sidebarAction.toggle` must run in the click's own
 * handler, with nothing awaited before it.
 * Must not: run engine logic or keep memories.
 */
chrome.action.onClicked.addListener(() => {
  browser.sidebarAction.toggle();
});
