import { createRequire } from 'node:module';
import path from 'node:path';
import { serwist } from '@serwist/vite';
import react from '@vitejs/plugin-react';
import { type Plugin, defineConfig } from 'vite';
import { compressAssets } from './compress-assets.ts';

const require = createRequire(import.meta.url);

/** In development, the public pages' addresses get their own entry, as the server gives them in production. */
const publicPages = (): Plugin => ({
  name: 'lianjian-public-pages',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url && /^\/[rv](?:\/|$|\?)/.test(req.url)) req.url = '/resident.html';
      next();
    });
  },
});

export default defineConfig(({ mode }) => ({
  // The public pages (src/resident) are Preact, not React: the React plugin leaves them to their own JSX source.
  plugins: [
    react({ exclude: /src[\\/]resident[\\/]/ }),
    publicPages(),
    compressAssets(),
    // The staff app's service worker (src/sw.ts), built with the app: it precaches the staff shell only, never the
    // residents' pages, and never the compressed copies beside each file.
    serwist({
      swSrc: 'src/sw.ts',
      swDest: 'sw.js',
      globDirectory: path.resolve(import.meta.dirname, 'dist'),
      injectionPoint: 'self.__SW_MANIFEST',
      rollupFormat: 'iife',
      globPatterns: ['index.html', 'assets/**/*.{js,css,woff2}', '*.{svg,png,webmanifest}'],
      globIgnores: ['resident.html', 'assets/resident-*', '**/*.{br,gz}', 'sw.js'],
      maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
    }),
  ],
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
    // Two apps: the staff app (index.html) and the public pages for residents (resident.html, /r and /v).
    rollupOptions: { input: { main: 'index.html', resident: 'resident.html' } },
    // No manual chunks: each route takes only the antd components and ECharts parts it uses.
  },
}));
