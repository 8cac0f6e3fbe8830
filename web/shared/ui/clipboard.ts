/** Puts `text` on the clipboard, or selects it for the person to copy when the browser will not. */
export async function copyText(text: string, fallback: HTMLInputElement | null) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    fallback?.select();
    return false;
  }
}
