import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { contentSecurityPolicy } from '../../main/api/csp.ts';

/** A policy as directive → its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];

describe('the Content-Security-Policy (Electron window, web mode, renderer/index.html)', () => {
  const policy = directives(contentSecurityPolicy());

  it("connects only to the page's own origin, and the web mode only adds its own WebSocket", () => {
    assert.deepEqual(policy.get('connect-src'), ["'self'"]);
    const web = directives(contentSecurityPolicy(['ws://127.0.0.1:4321']));
    assert.deepEqual(web.get('connect-src'), ["'self'", 'ws://127.0.0.1:4321']);
  });

  it('allows no script but its own, no frames, forms, plugins or wildcard sources', () => {
    assert.deepEqual(policy.get('script-src'), ["'self'"]);
    for (const name of ['object-src', 'frame-src', 'form-action', 'base-uri', 'frame-ancestors']) assert.deepEqual(policy.get(name), ["'none'"], name);
    for (const [name, sources] of policy) {
      for (const wide of ['*', 'ws:', 'wss:', 'http:', 'https:', 'file:', "'unsafe-eval'"]) assert.ok(!sources.includes(wide), `${name} allows ${wide}`);
    }
  });

  it("is the renderer's meta policy too, but for frame-ancestors (which only a header sets)", () => {
    assert.ok(meta, 'renderer/index.html has a CSP meta tag');
    const fromMeta = directives(meta);
    const header = new Map(policy);
    header.delete('frame-ancestors');
    assert.deepEqual(fromMeta, header);
  });
});
