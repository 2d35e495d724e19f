// The one HTML-escaping helper of the kit (the report pages, the data-quality pages and the notebook pages use it).

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values.
 * @example escapeHtml('a < b & "c"') === 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
