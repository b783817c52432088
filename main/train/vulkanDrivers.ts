/**
 * The Vulkan driver manifests the Vulkan loader would find on Linux, looked up before Dawn is asked for
 * an adapter: with none, Dawn can only fail, and it prints its failure to stderr on every probe.
 */
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface VulkanSearch {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  /** the loader's fixed configuration folders */
  sysconfDirs: string[];
}

const here = (): VulkanSearch => ({ env: process.env, platform: process.platform, home: homedir(), sysconfDirs: ['/usr/local/etc', '/etc'] });

/** the folders the loader searches for driver manifests (ICDs), in its order */
export function vulkanManifestDirs({ env, home, sysconfDirs }: VulkanSearch = here()): string[] {
  const list = (value: string | undefined, fallback: string) => (value || fallback).split(':').filter(Boolean);
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  const dataHome = env.XDG_DATA_HOME || join(home, '.local', 'share');
  return [configHome, ...list(env.XDG_CONFIG_DIRS, '/etc/xdg'), ...sysconfDirs, dataHome, ...list(env.XDG_DATA_DIRS, '/usr/local/share:/usr/share')].map(
    (dir) => join(dir, 'vulkan', 'icd.d'),
  );
}

/**
 * Whether a Vulkan driver may be present: true where the environment names driver files or a manifest
 * folder holds one, false where none does. Only Linux is checked (elsewhere Dawn uses Metal or D3D12).
 */
export function vulkanDriverListed(search: VulkanSearch = here()): boolean {
  const { env, platform } = search;
  if (platform !== 'linux') return true;
  if (env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES || env.VK_ADD_DRIVER_FILES) return true;
  return vulkanManifestDirs(search).some((dir) => {
    try {
      return readdirSync(dir).some((name) => name.endsWith('.json'));
    } catch {
      return false; // no such folder
    }
  });
}
