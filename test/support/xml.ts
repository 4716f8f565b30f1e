// A small XML well-formedness check for the SVG charts (xmllint is not always installed).

/** Throws unless `xml` is well-formed: one root, balanced tags, quoted attributes, escaped text. */
export function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  const token = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of xml.matchAll(token)) {
    const [, close, open, attrs, selfClose, text, stray] = m;
    if (stray) throw new Error(`stray '<' at ${m.index}`);
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== "") throw new Error(`text outside the root at ${m.index}`);
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) throw new Error(`unescaped & at ${m.index}`);
      continue;
    }
    if (attrs) {
      const names = [...attrs.matchAll(/([A-Za-z_:][\w:.-]*)\s*=/g)].map((a) => a[1]);
      if (new Set(names).size !== names.length) throw new Error(`duplicate attribute in <${open}> at ${m.index}`);
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(attrs)) throw new Error(`unescaped & in attributes at ${m.index}`);
    }
    if (open) {
      if (stack.length === 0) roots += 1;
      if (!selfClose) stack.push(open);
    } else if (close) {
      const top = stack.pop();
      if (top !== close) throw new Error(`</${close}> closes <${top}> at ${m.index}`);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("><")}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}
