/*
 * Files the user picks, made ready for the engine: the buttons that open the (hidden) file
 * inputs, sizes as the user reads them, and the bytes as base64, read in chunks (a large file
 * does not blow the call stack). Shared by the side panel and the first-run page.
 */

/** Buttons marked `data-opens="<input id>"` open that file input: the keyboard reaches them as it
 * reaches any button, which a `<label>` for a hidden input is not. */
export function bindPickers(root = document) {
  for (const button of root.querySelectorAll("[data-opens]")) {
    button.addEventListener("click", () => document.getElementById(button.dataset.opens).click());
  }
}

/** A size in MiB, one decimal. */
export const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;

/** Reads a File as base64. */
export async function toBase64(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
