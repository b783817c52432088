import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { vulkanDriverListed, vulkanManifestDirs, type VulkanSearch } from '../../main/train/vulkanDrivers.ts';
import { tempDir } from '../helpers/tmp.ts';

function search(root: string, env: VulkanSearch['env'] = {}, platform: NodeJS.Platform = 'linux'): VulkanSearch {
  return {
    env: { XDG_DATA_DIRS: join(root, 'share'), XDG_CONFIG_DIRS: join(root, 'xdg'), ...env },
    platform,
    home: join(root, 'home'),
    sysconfDirs: [join(root, 'etc')],
  };
}

describe('Vulkan driver manifests', () => {
  it('searches the loader folders in its order, from the XDG variables', () => {
    const dirs = vulkanManifestDirs({ env: { XDG_DATA_DIRS: '/a:/b' }, platform: 'linux', home: '/h', sysconfDirs: ['/etc'] });
    assert.deepEqual(
      dirs,
      ['/h/.config', '/etc/xdg', '/etc', '/h/.local/share', '/a', '/b'].map((d) => `${d}/vulkan/icd.d`),
    );
  });

  it('finds a manifest in any of them, and none in empty or missing folders', () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc', 'vulkan', 'icd.d'), { recursive: true }); // empty, as on this machine
    assert.equal(vulkanDriverListed(search(root)), false);
    mkdirSync(join(root, 'share', 'vulkan', 'icd.d'), { recursive: true });
    writeFileSync(join(root, 'share', 'vulkan', 'icd.d', 'README'), 'not a manifest');
    assert.equal(vulkanDriverListed(search(root)), false, 'only .json files are manifests');
    writeFileSync(join(root, 'share', 'vulkan', 'icd.d', 'nvidia_icd.json'), '{}');
    assert.equal(vulkanDriverListed(search(root)), true);
  });

  it('trusts driver files named in the environment, and other platforms (Metal, D3D12)', () => {
    const root = tempDir();
    assert.equal(vulkanDriverListed(search(root, { VK_DRIVER_FILES: '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json' })), true);
    assert.equal(vulkanDriverListed(search(root, { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' })), true);
    assert.equal(vulkanDriverListed(search(root, {}, 'darwin')), true);
    assert.equal(vulkanDriverListed(search(root)), false);
  });
});
