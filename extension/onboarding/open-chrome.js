/*
 * Chrome's side panel, opened from the first-run page (the Firefox build omits this file). Must
 * run in the click's own handler: `sidePanel.open` needs the user's gesture.
 */
export function openPanel() {
  return chrome.windows.getCurrent().then((w) => chrome.sidePanel.open({ windowId: w.id }));
}
