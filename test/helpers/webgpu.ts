/**
 * The webgpu backend on machines without a GPU: Chromium's SwiftShader (a Vulkan driver that runs on
 * the CPU; Debian's chromium package ships it) behind Dawn. Far too slow to train on, but the kernels
 * and the training step compute the same numbers there as on a GPU, so the tests check them with it.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../main/train/backend.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Makes 'webgpu' the active backend (on the machine's GPU when the Vulkan loader finds one, else on
 * SwiftShader); resolves to why it cannot, or false. Call before anything else starts Dawn: the
 * Vulkan loader reads VK_ICD_FILENAMES once.
 */
export async function useTestWebgpu(): Promise<string | false> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  try {
    await selectBackend('webgpu', () => {});
    return tf.getBackend() === 'webgpu' ? false : `the active backend is ${tf.getBackend()}`;
  } catch (err) {
    return `no WebGPU adapter, not even SwiftShader (apt-get install libvulkan1 chromium: ${SWIFTSHADER_ICD}): ${(err as Error).message}`;
  }
}
