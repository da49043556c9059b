import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const root = join(__dirname, '..', '..', '..');
let built: string | undefined;

/** Builds apps/web with its own Vite config into a private directory (once per test file). */
export function buildWebApp(): string {
  if (built) return built;
  const outDir = mkdtempSync(join(tmpdir(), 'oar-live-web-'));
  execFileSync(
    join(root, 'node_modules', '.bin', 'vite'),
    [
      'build',
      '--config',
      join(root, 'apps/web/vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return (built = outDir);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

/**
 * Serves a built app: files as they are, index.html for client routes (SPA fallback), and
 * /bare.html — the same bundle without <oar-app>, for mounting single elements.
 * Returns false when the request is not for the app (so a test can answer it).
 */
export function serveWebApp(dir: string, req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method !== 'GET' || path.startsWith('/api/') || path.startsWith('/socket.io')) return false;
  const index = readFileSync(join(dir, 'index.html'), 'utf8');
  if (path === '/bare.html') {
    res.writeHead(200, { 'Content-Type': TYPES['.html'] }).end(index.replace('<oar-app></oar-app>', ''));
    return true;
  }
  const file = normalize(join(dir, path));
  if (file.startsWith(dir) && existsSync(file) && statSync(file).isFile()) {
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    return true;
  }
  res.writeHead(200, { 'Content-Type': TYPES['.html'] }).end(index);
  return true;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, with a fresh profile directory that is removed afterwards.
 * `bypassCSP`: for pages the real API serves (its CSP refuses the inline script that brings axe-core).
 */
export async function launchChromium(
  viewport = { width: 1280, height: 900 },
  { bypassCSP = false } = {},
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'oar-live-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    bypassCSP,
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const SCREENSHOT_DIR = join(root, 'test-results', 'screenshots');
