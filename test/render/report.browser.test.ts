// The HTML report of the seed pair in real headless Chromium (Debian's `chromium`): served over
// HTTP on 127.0.0.1 with its CSP, as the API will. Screenshots go to test/artifacts/ (gitignored).

import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { HTML_CSP, renderHtml } from '../../src/render/index.ts'
import { EVIL, hostile, kafkaPair, oneBundle, seedPair } from './diagnoses.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url))
// The machine has no network: nothing in Chromium may try to reach out.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

let server: Server
let base = ''
let profile = ''
let browser: BrowserContext
const served: string[] = []

/** A tiny server with the pages under test, sent the way the API sends the report. */
async function serve(pages: Record<string, string>): Promise<void> {
  server = createServer((req, res) => {
    served.push(req.url ?? '')
    const page = pages[req.url ?? '']
    if (!page) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': HTML_CSP })
    res.end(page)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Opens a page and records what must never happen on it: errors, CSP violations, dialogs, requests. */
async function open(path: string, context = browser): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await context.newPage()
  const problems: string[] = []
  const requests: string[] = []
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)))
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`)
    void d.dismiss()
  })
  page.on('request', (r) => requests.push(r.url()))
  await page.goto(`${base}${path}`, { waitUntil: 'load' })
  return { page, problems, requests }
}

// A missing browser fails every test with this message; it never turns them into skips.
const missing = existsSync(CHROMIUM)
  ? null
  : `Debian's chromium is missing at ${CHROMIUM}: npm test installs it as root (scripts/test-prereqs.sh); else apt-get install -y chromium`

/** A test that needs the browser: fails, with the reason, where there is none. */
function browserTest(name: string, body: () => Promise<void>): void {
  test(name, async () => {
    if (missing) throw new Error(missing)
    await body()
  })
}

/** Chart rows whose name runs into their number: unreadable on a narrow screen. */
function overlappingLabels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('svg.chart g.row')].flatMap((row) => {
      const label = row.querySelector('text.lbl')?.getBoundingClientRect()
      const value = row.querySelector('text.num')?.getBoundingClientRect()
      return label && value && label.right + 4 > value.left ? [row.querySelector('title')?.textContent ?? '?'] : []
    }),
  )
}

beforeAll(async () => {
  if (missing) return
  await mkdir(ARTIFACTS, { recursive: true })
  await serve({
    '/seed': renderHtml(await seedPair(), {}),
    '/kafka': renderHtml(await kafkaPair(), {}),
    '/one': renderHtml(await oneBundle(), {}),
    '/hostile': renderHtml(await hostile(), {}),
  })
  profile = await mkdtemp(join(tmpdir(), 'memgap-chromium-'))
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
  })
})

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  if (profile) await rm(profile, { recursive: true, force: true })
})

describe('the HTML report in headless Chromium', () => {
  browserTest('the seed pair: charts render, the top processes are visible, nothing is fetched', async () => {
    const { page, problems, requests } = await open('/seed')
    const charts = page.locator('svg.chart')
    expect(await charts.count()).toBeGreaterThanOrEqual(4)
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox()
      expect(box?.width).toBeGreaterThan(200)
      expect(box?.height).toBeGreaterThan(20)
      // Every chart draws bars of real size, not just text.
      const widest = await chart.locator('rect').evaluateAll((rects) => Math.max(...rects.map((r) => r.getBoundingClientRect().width)))
      expect(widest).toBeGreaterThan(10)
    }
    for (const id of ['#gap', '#processes', '#regions', '#dumps'])
      await expect(page.locator(`${id} svg.chart`).first().isVisible()).resolves.toBe(true)
    for (const name of ['fwlog', 'auditd', 'logsd']) {
      const label = page.locator('#processes svg.chart text', { hasText: new RegExp(`^${name}$`) })
      await expect(label.isVisible()).resolves.toBe(true)
      const box = await label.boundingBox()
      expect(box?.width, name).toBeGreaterThan(10)
    }
    await expect(page.getByRole('img', { name: /Per-process memory/ }).isVisible()).resolves.toBe(true)
    expect(await overlappingLabels(page)).toEqual([])
    expect(problems).toEqual([])
    expect(requests).toEqual([`${base}/seed`])
    await page.screenshot({ path: join(ARTIFACTS, 'report-seed.png'), fullPage: true })
    await page.close()
  })

  browserTest("the copy button appears (the CSP allows the page's own script) and copies the config lines", async () => {
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
    const { page, problems } = await open('/seed')
    const button = page.locator('button[data-copy="config-0"]')
    await expect(button.isVisible()).resolves.toBe(true)
    await button.click()
    await expect.poll(() => button.textContent()).toBe('Copied')
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied).toBe('queue.buffering.max.messages=38000\nqueue.buffering.max.kbytes=30000')
    expect(problems).toEqual([])
    await page.close()
  })

  browserTest('on a phone (390x844) nothing overflows sideways', async () => {
    const { page, problems } = await open('/seed')
    await page.setViewportSize({ width: 390, height: 844 })
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }))
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth)
    // The charts shrink to the screen and keep their labels inside it.
    for (const chart of await page.locator('svg.chart').all()) {
      const box = await chart.boundingBox()
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390)
    }
    await expect(page.locator('#processes svg.chart text', { hasText: /^fwlog$/ }).isVisible()).resolves.toBe(true)
    expect(await overlappingLabels(page)).toEqual([])
    expect(problems).toEqual([])
    await page.screenshot({ path: join(ARTIFACTS, 'report-seed-phone.png'), fullPage: true })
    await page.close()
  })

  browserTest('the kafka pair and one bundle fit a phone and a laptop too', async () => {
    for (const path of ['/kafka', '/one']) {
      const { page, problems } = await open(path)
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 844 })
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
        expect(scrollWidth, `${path} at ${width}px`).toBeLessThanOrEqual(width)
        expect(await overlappingLabels(page), `${path} at ${width}px`).toEqual([])
      }
      expect(problems).toEqual([])
      await page.close()
    }
  })

  browserTest('dark mode follows the system', async () => {
    const { page } = await open('/seed')
    await page.emulateMedia({ colorScheme: 'dark' })
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number)
    expect(r + g + b).toBeLessThan(120)
    await page.screenshot({ path: join(ARTIFACTS, 'report-seed-dark.png'), fullPage: true })
    await page.close()
  })

  browserTest('without JavaScript the report still reads; only the copy button is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'memgap-chromium-nojs-'))
    const noJs = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      javaScriptEnabled: false,
    })
    try {
      const { page } = await open('/seed', noJs)
      expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(4)
      await expect(page.locator('#config-0').isVisible()).resolves.toBe(true)
      await expect(page.locator('button[data-copy]').first().isVisible()).resolves.toBe(false)
    } finally {
      await noJs.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  browserTest('a hostile diagnosis runs no script of its own and shows the markup as text', async () => {
    const { page, problems } = await open('/hostile')
    expect(await page.evaluate(() => document.scripts.length)).toBe(1)
    expect(await page.locator('img, iframe, svg[onload]').count()).toBe(0)
    await expect(page.locator('h1').textContent()).resolves.toBe(`${EVIL.host} vs 10.222.3.49`)
    await expect(page.locator('#config-0').textContent()).resolves.toBe(`${EVIL.config}\nqueue.buffering.max.kbytes=30000 | \`x\``)
    expect(problems).toEqual([])
    await page.close()
  })
})
