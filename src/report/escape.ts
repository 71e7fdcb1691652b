/** escapeHtml makes any string safe as HTML text or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * jsonForScript serializes data for a `<script type="application/json">`
 * block: `<`, `>` and `&` become \u escapes so no string in the data can end
 * the script element or open a comment, and U+2028/2029 are escaped too.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** safeInlineScript makes vendored JavaScript safe to inline: it must not close its script element. */
export function safeInlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}
