// Opens pages in Debian's chromium through playwright-core (platform-notes "Rendering") and reports what a reader's
// browser would see: console errors, requests leaving the file, figures without a box, width, text.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

/** What the page's elements offer inside page.evaluate. */
interface Element {
  tagName: string;
  parentElement: { closest(selector: string): unknown } | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
}

// The page's DOM inside page.evaluate (the tests compile without TypeScript's DOM library).
declare const document: any;

export const CHROMIUM = '/usr/bin/chromium';
export const VIEWPORT_WIDTH = 1400;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface PageFindings {
  file: string;
  /** Console messages of type error, and uncaught page errors (CSP violations arrive here too). */
  errors: string[];
  /** Requests for anything but the page itself and data: URIs. */
  requests: string[];
  /** Figures (figure, img, top-level svg) and their rendered size. */
  figures: { tag: string; label: string; width: number; height: number }[];
  scrollWidth: number;
  text: string;
  headings: string[];
  /** Links to other files (not #fragments), as written. */
  links: string[];
}

async function inspect(context: BrowserContext, file: string): Promise<PageFindings> {
  const url = pathToFileURL(resolve(file)).href;
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url && !r.url().startsWith('data:')) requests.push(r.url());
  });
  try {
    await page.goto(url, { waitUntil: 'load' });
    const seen = await page.evaluate(() => {
      // Top-level SVGs only: a figure's own svg is measured through its figure.
      const els = ([...document.querySelectorAll('figure, img, svg')] as Element[]).filter((e) => !(e.tagName.toLowerCase() === 'svg' && e.parentElement?.closest('figure, svg')));
      return {
        figures: els.map((e) => {
          const r = e.getBoundingClientRect();
          return { tag: e.tagName.toLowerCase(), label: (e.getAttribute('aria-label') ?? e.getAttribute('alt') ?? e.textContent ?? '').slice(0, 80), width: r.width, height: r.height };
        }),
        scrollWidth: document.documentElement.scrollWidth,
        text: document.body.innerText,
        headings: ([...document.querySelectorAll('h1, h2')] as { textContent: string | null }[]).map((h) => (h.textContent ?? '').trim()),
        links: ([...document.querySelectorAll('a[href]')] as Element[]).map((a) => a.getAttribute('href') ?? '').filter((h) => h !== '' && !h.startsWith('#')),
      };
    });
    return { file, errors, requests, ...seen };
  } finally {
    await page.close();
  }
}

/**
 * Starts chromium with a fresh profile, opens each file at a 1,400-px viewport and closes the browser.
 * @example const [report] = await openPages(['out/report/index.html']);
 */
export async function openPages(files: readonly string[]): Promise<PageFindings[]> {
  const profile = mkdtempSync(join(tmpdir(), 'il2kit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: VIEWPORT_WIDTH, height: 1000 } });
  try {
    const out: PageFindings[] = [];
    for (const f of files) out.push(await inspect(context, f));
    return out;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
