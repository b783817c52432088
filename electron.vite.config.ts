import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        // the worker threads' entries (workerThread.ts): training, its peer threads and the student
        // export start ./trainWorker.js, ./trainPeer.js and ./exportWorker.js next to the main bundle
        input: {
          index: resolve(root, 'main/index.ts'),
          trainWorker: resolve(root, 'main/train/worker.ts'),
          trainPeer: resolve(root, 'main/train/peer.ts'),
          exportWorker: resolve(root, 'main/export/worker.ts'),
        },
        // the native SQLite binding is loaded from node_modules at run time
        external: ['sqlite3'],
        // shared chunks beside the entries (not in chunks/): the modules that start a worker may land in
        // one, and they find its entry relative to themselves
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        // a sandboxed preload runs as a classic script: CommonJS
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') })],
  },
});
