/**
 * XML for ELAN's .eaf files: reading through fast-xml-parser (well-formedness checked by its
 * validator), and the escaping for writing.
 *
 * Files from other tools are untrusted, so the reading is bounded: a size limit, a nesting limit,
 * and no entity expansion at all. A DOCTYPE (where entity expansion attacks live; no .eaf has one)
 * is refused, and only the five predefined entities and character references are decoded, here.
 * Namespaces are not resolved: `xsi:foo` is an attribute named "xsi:foo". Errors are one-line
 * BAD_INPUT naming the file and line.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badInput, clipText } from '../shared/errors.ts';

export interface XmlElement {
  name: string;
  /** without a prototype: an attribute named like an Object method is just an attribute */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** the character data directly inside the element (not its children's), entities decoded */
  text: string;
  /** 1-based line of the start tag */
  line: number;
}

export interface XmlLimits {
  /** characters of the whole document */
  maxChars: number;
  /** elements inside one another */
  maxDepth: number;
  /** elements in all */
  maxElements: number;
}

/** An .eaf of a long session is a few MB with a depth of 5; these leave room for any real file. */
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = { maxChars: 64 * 2 ** 20, maxDepth: 32, maxElements: 2_000_000 };

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

// fast-xml-parser's ordered output: each node is { [name]: children, ':@'?: attributes }, or a text or CDATA node.
type OrderedNode = Record<string, unknown> & { [':@']?: Record<string, string> };

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';
const META: symbol = XMLParser.getMetaDataSymbol().valueOf();

function parserFor(limits: XmlLimits): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false, // no expansion: references are decoded below, and only the predefined ones
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: CDATA,
    captureMetaData: true,
    maxNestedTags: limits.maxDepth,
  });
}

/** 1-based line of each character offset, from the offsets of the line breaks. */
function lineFinder(text: string): (offset: number) => number {
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i);
  return (offset) => {
    let [lo, hi] = [0, breaks.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/** The validator's message, its list of unclosed tags (a JSON dump) made readable. */
function validatorProblem(message: string): string {
  const unclosed = /^Invalid '\[(.*)\]' found\.$/s.exec(message);
  if (!unclosed) return message;
  const names = unclosed[1]!.split(',').map((n) => `<${n.trim().replace(/^"|"$/g, '')}>`);
  return `never closed: ${names.join(', ')}`;
}

export function parseXml(source: string, file: string, limitOverrides: Partial<XmlLimits> = {}): XmlElement {
  const limits = { ...DEFAULT_XML_LIMITS, ...limitOverrides };
  const fail = (problem: string, line?: number): never => {
    throw badInput(file, `malformed XML: ${clipText(problem, 120)}`, line === undefined ? {} : { line });
  };
  if (source.length > limits.maxChars) fail(`${source.length} characters, over the limit of ${limits.maxChars} (maxChars)`);
  // XML normalises line ends to \n before parsing; a BOM is not content
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lineAt = lineFinder(text);
  const doctype = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (doctype) fail('a DOCTYPE or ENTITY declaration is not supported', lineAt(doctype.index));
  const valid = XMLValidator.validate(text);
  // an unclosed element is reported at line 1, which is not where it is: then no line
  if (valid !== true) fail(validatorProblem(valid.err.msg), valid.err.code === 'InvalidXml' ? undefined : valid.err.line);

  let nodes: OrderedNode[];
  try {
    nodes = parserFor(limits).parse(text) as OrderedNode[];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail(/Maximum nested tags/i.test(message) ? `elements nested more than ${limits.maxDepth} deep (maxDepth)` : message);
  }

  let count = 0;
  /** Decodes the predefined entities and character references in `raw`, which starts on line `at`. */
  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&<\s]*);?/g, (whole: string, ref: string) => {
      if (!whole.endsWith(';')) fail(`a bare '&' (write &amp;)`, at);
      if (Object.hasOwn(ENTITIES, ref)) return ENTITIES[ref]!;
      const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
      if (!Number.isFinite(code)) fail(`unknown entity &${ref};`, at);
      if (code > 0x10ffff || code === 0) fail(`character reference &${ref}; is not a character`, at);
      return String.fromCodePoint(code);
    });
  const nameOf = (node: OrderedNode): string | undefined => Object.keys(node).find((k) => k !== ATTRIBUTES);
  const toElement = (node: OrderedNode, name: string): XmlElement => {
    if (++count > limits.maxElements) fail(`more than ${limits.maxElements} elements (maxElements)`);
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
    const line = lineAt(meta?.startIndex ?? 0);
    const attributes: Record<string, string> = Object.create(null);
    for (const [key, raw] of Object.entries(node[ATTRIBUTES] ?? {})) {
      if (String(raw).includes('<')) fail(`attribute ${key} of <${name}>: '<' in a value`, line);
      // attribute values normalise literal whitespace to spaces (references such as &#10; survive)
      attributes[key] = decode(String(raw).replace(/[\t\n]/g, ' '), line);
    }
    const element: XmlElement = { name, attributes, children: [], text: '', line };
    for (const child of node[name] as OrderedNode[]) {
      const childName = nameOf(child);
      if (childName === TEXT) element.text += decode(String(child[TEXT]), line);
      else if (childName === CDATA) element.text += (child[CDATA] as OrderedNode[]).map((t) => String(t[TEXT] ?? '')).join('');
      else if (childName !== undefined) element.children.push(toElement(child, childName));
    }
    return element;
  };

  const roots = nodes.filter((node) => {
    const name = nameOf(node);
    if (name === TEXT && String(node[TEXT]).trim() !== '') fail('text outside the root element');
    return name !== undefined && name !== TEXT;
  });
  if (roots.length === 0) fail('no root element');
  if (roots.length > 1)
    fail(`a second root element <${nameOf(roots[1]!)}>`, lineAt((roots[1] as Record<symbol, { startIndex?: number }>)[META]?.startIndex ?? 0));
  return toElement(roots[0]!, nameOf(roots[0]!)!);
}

/** The element's children named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The element's first child named `name`, if any. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
