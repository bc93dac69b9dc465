import { createRequire } from 'node:module';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compressAssets } from './compress-assets.ts';

const require = createRequire(import.meta.url);

export default defineConfig(({ mode }) => ({
  plugins: [react(), compressAssets()],
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  resolve: {
    // react-router's package points every import at its development build (dev-time warnings and checks);
    // a production build takes the production build it ships beside it.
    alias:
      mode === 'production'
        ? [
            {
              find: /^react-router$/,
              replacement: path.join(path.dirname(require.resolve('react-router')), '../production/index.mjs'),
            },
          ]
        : [],
  },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1600,
    // No manual chunks: each route takes only the antd components and ECharts parts it uses.
  },
}));
