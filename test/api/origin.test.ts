import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppUrl } from '../../main/api/origin.ts';

describe('which pages may call the API', () => {
  const origins = { rendererDir: '/opt/vskd/out/renderer' };

  it('accepts the built renderer and the dev server', () => {
    assert.ok(isAppUrl('file:///opt/vskd/out/renderer/index.html', origins));
    assert.ok(isAppUrl('http://localhost:5173/index.html', { ...origins, devServerUrl: 'http://localhost:5173' }));
  });

  it('refuses anything else', () => {
    assert.ok(!isAppUrl('https://example.com/', origins));
    assert.ok(!isAppUrl('file:///opt/vskd/out/renderer-evil/index.html', origins));
    assert.ok(!isAppUrl('file:///tmp/page.html', origins));
    assert.ok(!isAppUrl('http://localhost:5173/', origins)); // no dev server in a packaged run
    assert.ok(!isAppUrl('', origins));
    assert.ok(!isAppUrl('not a url', origins));
  });
});
