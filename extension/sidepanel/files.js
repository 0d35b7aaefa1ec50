/*
 * Files the user picks, made ready for the engine: read as base64 in chunks (a large file does
 * not blow the call stack). Shared by the side panel and the first-run page.
 */

/** Reads a File as base64. */
export async function toBase64(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
