import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childNamed, childrenNamed, escapeXml, parseXml } from '../../main/annotations/xml.ts';
import type { StudioError } from '../../main/shared/errors.ts';

function badAt(line: number, pattern: RegExp) {
  return (err: StudioError) => {
    assert.equal(err.code, 'BAD_INPUT', err.message);
    assert.equal(err.detail.file, 'doc.xml');
    assert.equal(err.detail.line, line, `line of: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('XML reader', () => {
  it('reads elements, attributes, text, entities, CDATA and skips the declaration and comments', () => {
    const doc = parseXml(
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- a comment -->\n<root a="1" b=\'two &amp; &quot;three&quot;\' xsi:x="&#65;&#x42;">\n' +
        '  <item id="i1">fish &lt;&gt; chips</item>\n  <item id="i2"><![CDATA[<raw> & stuff]]></item>\n  <empty/>\n</root>\n',
      'doc.xml',
    );
    assert.equal(doc.name, 'root');
    assert.deepEqual({ ...doc.attributes }, { a: '1', b: 'two & "three"', 'xsi:x': 'AB' });
    assert.equal(doc.line, 3);
    const items = childrenNamed(doc, 'item');
    assert.deepEqual(
      items.map((i) => [i.attributes.id, i.text, i.line]),
      [
        ['i1', 'fish <> chips', 4],
        ['i2', '<raw> & stuff', 5],
      ],
    );
    assert.equal(childNamed(doc, 'empty')?.children.length, 0);
    assert.equal(childNamed(doc, 'missing'), undefined);
  });

  it('round-trips escaped text and attribute values, line breaks included', () => {
    const tricky = `a < b & "c" 'd' > e\n\tf\r`;
    const doc = parseXml(`<r v="${escapeXml(tricky)}">${escapeXml(tricky)}</r>`, 'doc.xml');
    assert.equal(doc.attributes.v, tricky);
    assert.equal(doc.text, tricky);
    assert.equal(escapeXml('bell\u0007'), 'bell\ufffd', 'a control character XML cannot hold becomes U+FFFD');
  });

  it('names the line of each well-formedness error', () => {
    assert.throws(() => parseXml('<a>\n<b>\n</a>', 'doc.xml'), badAt(3, /Expected closing tag 'b' \(opened in line 2, col 1\) instead of closing tag 'a'/));
    assert.throws(
      () => parseXml('<a>\n<b>', 'doc.xml'),
      (err: StudioError) => /doc\.xml: malformed XML: never closed: <a>, <b>$/.test(err.message),
    );
    assert.throws(() => parseXml('<a x="1" x="2"/>', 'doc.xml'), badAt(1, /Attribute 'x' is repeated/));
    assert.throws(() => parseXml('<a x=1/>', 'doc.xml'), badAt(1, /Attribute 'x' is without value/));
    assert.throws(() => parseXml('<a>\n fish & chips</a>', 'doc.xml'), badAt(2, /char '&' is not expected/));
    assert.throws(() => parseXml('<a>&nbsp;</a>', 'doc.xml'), badAt(1, /unknown entity &nbsp;/));
    assert.throws(() => parseXml('<a>&#0;</a>', 'doc.xml'), badAt(1, /&#0; is not a character/));
    assert.throws(() => parseXml('<a/>\n<b/>', 'doc.xml'), badAt(2, /second root element <b>/));
    assert.throws(() => parseXml('text<a/>', 'doc.xml'), badAt(1, /char 't' is not expected/));
    assert.throws(() => parseXml('<a>\n<!-- never closed', 'doc.xml'), badAt(1, /Unclosed tag 'a'/));
    assert.throws(
      () => parseXml('', 'doc.xml'),
      (err: StudioError) => /doc\.xml: malformed XML: Start tag expected/.test(err.message),
    );
    assert.throws(() => parseXml('<a b="<"/>', 'doc.xml'), badAt(1, /'<' in a value/));
  });

  it('expands no entities: a DOCTYPE is refused, so the billion laughs never start', () => {
    const laughs =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n<lolz>&lol2;</lolz>';
    assert.throws(() => parseXml(laughs, 'doc.xml'), badAt(2, /DOCTYPE or ENTITY declaration is not supported/));
    assert.throws(() => parseXml('<a>&lol;</a>', 'doc.xml'), badAt(1, /unknown entity &lol;/), 'an undeclared entity stays unknown');
  });

  it('keeps to its limits on size, depth and element count, naming each', () => {
    const deep = '<a>'.repeat(40) + '</a>'.repeat(40);
    assert.throws(
      () => parseXml(deep, 'doc.xml'),
      (err: StudioError) => /nested more than 32 deep \(maxDepth\)/.test(err.message),
    );
    assert.equal(parseXml(deep, 'doc.xml', { maxDepth: 64 }).name, 'a');
    assert.throws(
      () => parseXml('<a>' + '<b/>'.repeat(11) + '</a>', 'doc.xml', { maxElements: 10 }),
      (err: StudioError) => /more than 10 elements \(maxElements\)/.test(err.message),
    );
    assert.throws(
      () => parseXml('<a>' + ' '.repeat(100) + '</a>', 'doc.xml', { maxChars: 50 }),
      (err: StudioError) => /107 characters, over the limit of 50 \(maxChars\)/.test(err.message),
    );
  });

  it('refuses names that could pollute a prototype, and keeps attributes in a prototype-less record', () => {
    const doc = parseXml('<a id="t"/>', 'doc.xml');
    assert.equal(Object.getPrototypeOf(doc.attributes), null);
    assert.equal(doc.attributes.id, 't');
    for (const hostile of ['<a __proto__="x"/>', '<a constructor="c"/>', '<a><__proto__/></a>']) {
      assert.throws(
        () => parseXml(hostile, 'doc.xml'),
        (err: StudioError) => err.code === 'BAD_INPUT' && /reserved|malformed/.test(err.message) && !err.message.includes('\n'),
      );
    }
  });
});
