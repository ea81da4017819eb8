/// <reference types="vitest/config" />
// Vite builds web/dist, which shoebox-server serves; `npm run dev` proxies /api to a running server.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const apiTarget = process.env.SHOEBOX_DEV_API ?? 'http://127.0.0.1:2283';

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': { target: apiTarget, ws: true } } },
  build: { chunkSizeWarningLimit: 600 },
  test: { include: ['src/**/*.test.ts'] },
});
