/**
 * A minimal XML reader and the escaping for writing: enough for ELAN's .eaf files.
 *
 * Reads elements, attributes, character data, CDATA sections, comments, the XML declaration and
 * processing instructions (both skipped), and the five predefined entities plus character
 * references. Checks well-formedness: one root, matching end tags, quoted and unique attributes,
 * no stray `<` or `&`. A DOCTYPE is refused (no .eaf has one, and it is where entity expansion
 * attacks live). Namespaces are not resolved: `xsi:foo` is an attribute named "xsi:foo".
 * Errors are BAD_INPUT naming the file and line.
 */
import { badInput } from '../shared/errors.ts';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** the character data directly inside the element (not its children's), entities decoded */
  text: string;
  /** 1-based line of the start tag */
  line: number;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.\u00b7\u00c0-\uffff]*/y;
const SPACE = /[ \t\n]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Text safe in element content and in attribute values alike: tabs and line breaks become character
 * references so that attribute normalisation keeps them; the other control characters, which XML 1.0
 * cannot hold at all, become U+FFFD.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\t\n\r]/g, (c) => ESCAPES[c]).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

export function parseXml(source: string, file: string): XmlElement {
  // XML normalises line ends to \n before parsing; a BOM is not content
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let pos = 0;
  let line = 1;

  function fail(problem: string, at = line): never {
    throw badInput(file, `malformed XML: ${problem}`, { line: at });
  }
  /** Moves to `to`, counting the line breaks passed. */
  const advance = (to: number) => {
    for (let i = pos; i < to; i++) if (text.charCodeAt(i) === 10) line++;
    pos = to;
  };
  const skipSpace = () => {
    SPACE.lastIndex = pos;
    SPACE.exec(text);
    advance(SPACE.lastIndex);
  };
  const readName = (what: string): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(text);
    if (!match) fail(`expected ${what} at ${JSON.stringify(text.slice(pos, pos + 10))}`);
    advance(NAME.lastIndex);
    return match[0];
  };
  /** Skips to just after `terminator`, which must come. */
  const skipPast = (terminator: string, what: string) => {
    const end = text.indexOf(terminator, pos);
    if (end < 0) fail(`unterminated ${what}`);
    advance(end + terminator.length);
  };

  /** Decodes references in `raw`, which starts on line `at`. */
  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&<\s]*);?/g, (whole: string, ref: string, offset: number) => {
      const where = at + (raw.slice(0, offset).match(/\n/g)?.length ?? 0);
      if (!whole.endsWith(';')) fail(`a bare '&' (write &amp;)`, where);
      if (ref in ENTITIES) return ENTITIES[ref];
      const code = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
      if (!Number.isFinite(code)) fail(`unknown entity &${ref};`, where);
      if (code > 0x10ffff || code === 0) fail(`character reference &${ref}; is not a character`, where);
      return String.fromCodePoint(code);
    });

  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;

  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const chunkEnd = lt < 0 ? text.length : lt;
    if (chunkEnd > pos) {
      const raw = text.slice(pos, chunkEnd);
      const at = line;
      if (stack.length === 0) {
        if (raw.trim() !== '') fail(root ? 'text after the root element' : 'text before the root element', at);
      } else {
        if (raw.includes(']]>')) fail(`']]>' in text`, at);
        stack[stack.length - 1].text += decode(raw, at);
      }
      advance(chunkEnd);
      continue;
    }
    const at = line;
    if (text.startsWith('<!--', pos)) {
      skipPast('-->', 'comment');
    } else if (text.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) fail('CDATA outside the root element');
      const end = text.indexOf(']]>', pos);
      if (end < 0) fail('unterminated CDATA section');
      stack[stack.length - 1].text += text.slice(pos + 9, end);
      advance(end + 3);
    } else if (text.startsWith('<!DOCTYPE', pos)) {
      fail('a DOCTYPE is not supported');
    } else if (text.startsWith('<?', pos)) {
      skipPast('?>', 'processing instruction');
    } else if (text.startsWith('</', pos)) {
      advance(pos + 2);
      const name = readName('an element name');
      skipSpace();
      if (text[pos] !== '>') fail(`expected '>' to close </${name}`);
      advance(pos + 1);
      const open = stack.pop();
      if (!open) fail(`</${name}> closes nothing`, at);
      if (open.name !== name) fail(`</${name}> closes <${open.name}> (opened on line ${open.line})`, at);
    } else {
      advance(pos + 1);
      const element: XmlElement = { name: readName('an element name'), attributes: {}, children: [], text: '', line: at };
      if (stack.length === 0 && root) fail(`a second root element <${element.name}>`, at);
      for (;;) {
        const before = pos;
        skipSpace();
        if (text.startsWith('/>', pos) || text[pos] === '>') break;
        if (pos === before) fail(`expected whitespace, '>' or '/>' in <${element.name}>`);
        const attrLine = line;
        const attr = readName('an attribute name');
        skipSpace();
        if (text[pos] !== '=') fail(`attribute ${attr} of <${element.name}> has no value`);
        advance(pos + 1);
        skipSpace();
        const quote = text[pos];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attr} of <${element.name}>: the value must be quoted`);
        const close = text.indexOf(quote, pos + 1);
        if (close < 0) fail(`attribute ${attr} of <${element.name}>: unterminated value`);
        const raw = text.slice(pos + 1, close);
        if (raw.includes('<')) fail(`attribute ${attr} of <${element.name}>: '<' in a value`, attrLine);
        if (attr in element.attributes) fail(`attribute ${attr} appears twice in <${element.name}>`, attrLine);
        // attribute values normalise literal whitespace to spaces (references such as &#10; survive)
        element.attributes[attr] = decode(raw.replace(/[\t\n]/g, ' '), attrLine);
        advance(close + 1);
      }
      if (stack.length) stack[stack.length - 1].children.push(element);
      else root = element;
      if (text[pos] === '>') {
        stack.push(element);
        advance(pos + 1);
      } else advance(pos + 2);
    }
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) fail(`<${unclosed.name}> is never closed`, unclosed.line);
  if (!root) fail('no root element');
  return root;
}

/** The element's children named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The element's first child named `name`, if any. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
