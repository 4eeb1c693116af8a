import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Throws with the parser's message when `xml` is not well-formed; otherwise parses it. */
export function parseXml(xml: string): unknown {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: false }).parse(xml);
}

/** Every element named `name` anywhere under `node` (fast-xml-parser's object form). */
export function elements(node: unknown, name: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n === null || typeof n !== 'object') return;
    for (const [key, value] of Object.entries(n)) {
      if (key === name) {
        for (const v of Array.isArray(value) ? value : [value]) found.push((typeof v === 'object' && v ? v : { '#text': v }) as Record<string, unknown>);
      }
      walk(value);
    }
  };
  walk(node);
  return found;
}
