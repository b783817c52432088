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

describe('minimal XML reader', () => {
  it('reads elements, attributes, text, entities, CDATA and skips the declaration and comments', () => {
    const doc = parseXml(
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- a comment -->\n<root a="1" b=\'two &amp; &quot;three&quot;\' xsi:x="&#65;&#x42;">\n' +
        '  <item id="i1">fish &lt;&gt; chips</item>\n  <item id="i2"><![CDATA[<raw> & stuff]]></item>\n  <empty/>\n</root>\n',
      'doc.xml',
    );
    assert.equal(doc.name, 'root');
    assert.deepEqual(doc.attributes, { a: '1', b: 'two & "three"', 'xsi:x': 'AB' });
    assert.equal(doc.line, 3);
    const items = childrenNamed(doc, 'item');
    assert.deepEqual(items.map((i) => [i.attributes.id, i.text, i.line]), [['i1', 'fish <> chips', 4], ['i2', '<raw> & stuff', 5]]);
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
    assert.throws(() => parseXml('<a>\n<b>\n</a>', 'doc.xml'), badAt(3, /<\/a> closes <b> \(opened on line 2\)/));
    assert.throws(() => parseXml('<a>\n<b>', 'doc.xml'), badAt(2, /<b> is never closed/));
    assert.throws(() => parseXml('<a x="1" x="2"/>', 'doc.xml'), badAt(1, /attribute x appears twice/));
    assert.throws(() => parseXml('<a x=1/>', 'doc.xml'), badAt(1, /must be quoted/));
    assert.throws(() => parseXml('<a>\n fish & chips</a>', 'doc.xml'), badAt(2, /bare '&'/));
    assert.throws(() => parseXml('<a>&nbsp;</a>', 'doc.xml'), badAt(1, /unknown entity &nbsp;/));
    assert.throws(() => parseXml('<a/>\n<b/>', 'doc.xml'), badAt(2, /second root element <b>/));
    assert.throws(() => parseXml('text<a/>', 'doc.xml'), badAt(1, /text before the root/));
    assert.throws(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a/>', 'doc.xml'), badAt(1, /DOCTYPE is not supported/));
    assert.throws(() => parseXml('<a>\n<!-- never closed', 'doc.xml'), badAt(2, /unterminated comment/));
    assert.throws(() => parseXml('', 'doc.xml'), badAt(1, /no root element/));
    assert.throws(() => parseXml('<a b="<"/>', 'doc.xml'), badAt(1, /'<' in a value/));
  });
});
