// The customer's part of Tink Link, done by headless Debian Chromium (/usr/bin/chromium) through
// playwright-core (which never downloads a browser): open the Link URL, pick a Demo Bank, submit,
// and land on the redirect URI. One copy for every test that needs a person in a browser.
// Browser tests are skipped (visibly) when Chromium is absent, except under CI=true, where that
// is a failure: `browserSkip` is the `skip` option of such tests, `requireChromium()` their guard.
import assert from 'node:assert/strict'
import {chmodSync, existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export const CHROMIUM = '/usr/bin/chromium'
export const browserSkip =
  existsSync(CHROMIUM) || process.env.CI === 'true' ? false : `${CHROMIUM} is absent (apt-get install chromium); under CI=true this fails instead`

/** Fails under CI=true when Chromium is missing (the CI script installs it). */
export function requireChromium() {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is required under CI=true (the CI script installs the chromium package)`)
}

export async function launchBrowser() {
  requireChromium()
  const {chromium} = await import('playwright-core')
  return chromium.launch({executablePath: CHROMIUM})
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Opens the Tink Link `url`, checks the bank labelled `choice`, presses Continue, and waits for the
 * browser to arrive at the URL's redirect_uri. A redirect URI off this machine (an app's real
 * https callback) is answered inside Chromium (page.route), so the request never leaves the
 * machine; a loopback one is whatever listens there (tink itself, or a test server).
 * Uses `browser` when given (and leaves it open), else launches one for this call.
 * Resolves {address, text}: the address the browser ended on (what a user would paste) and the
 * text of the page shown there.
 */
export async function finishInBrowser(url, {choice = 'Demo Bank (connects successfully)', browser} = {}) {
  const redirect = new URL(url).searchParams.get('redirect_uri')
  assert.ok(redirect, `the Link URL has a redirect_uri: ${url}`)
  const own = browser ? undefined : await launchBrowser()
  const page = await (browser ?? own).newPage()
  try {
    const arrived = (u) => u.href.startsWith(`${redirect}?`)
    if (!LOOPBACK.has(new URL(redirect).hostname)) {
      // The app's page, served by Chromium itself. Playwright does not route a redirect's target,
      // so the Link form's answer is fetched here, and a redirect to the app becomes a page that
      // goes there: a navigation of its own, which is routed.
      const app = '<!DOCTYPE html><html lang="en"><title>App</title><p>Back at the app.</p></html>'
      await page.route(arrived, (route) => route.fulfill({status: 200, contentType: 'text/html; charset=utf-8', body: app}))
      await page.route(
        (u) => u.origin === new URL(url).origin,
        async (route) => {
          if (route.request().method() !== 'POST') return route.fallback()
          const answer = await route.fetch({maxRedirects: 0})
          const location = answer.headers().location
          if (!location || !arrived(new URL(location))) return route.fulfill({response: answer})
          await route.fulfill({status: 200, contentType: 'text/html; charset=utf-8', body: `<!DOCTYPE html><script>location.replace(${JSON.stringify(location)})</script>`})
        },
      )
    }
    await page.goto(String(url))
    await page.getByLabel(choice).check()
    await Promise.all([page.waitForURL(arrived), page.getByRole('button', {name: 'Continue'}).click()])
    return {address: page.url(), text: await page.textContent('body')}
  } finally {
    await page.close()
    await own?.close()
  }
}

/**
 * "The system browser" for a CLI under test: the `open` package runs xdg-open, which hands the URL
 * to $BROWSER; this $BROWSER records it. Returns {BROWSER, opened()}: opened() resolves the URL
 * once the CLI has asked for it (fails after 20 s).
 */
export function recordingBrowser(dir) {
  const file = join(dir, 'opened.url')
  const script = join(dir, 'browser.sh')
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" > '${file}'\n`)
  chmodSync(script, 0o755)
  return {
    BROWSER: script,
    async opened() {
      for (let i = 0; i < 200; i++) {
        if (existsSync(file)) {
          const url = readFileSync(file, 'utf8').trim()
          if (url) return url
        }
        await new Promise((r) => setTimeout(r, 100))
      }
      assert.fail('the browser was never asked to open the Tink Link URL')
    },
  }
}

/** Resolves the first Tink Link URL a child process prints on stderr (a line of its own). */
export function linkUrlFrom(stderr) {
  return new Promise((resolve, reject) => {
    let text = ''
    const onData = (d) => {
      text += d
      const m = /^(https?:\/\/\S+\/1\.0\/\S+)$/m.exec(text)
      if (m) {
        stderr.off('data', onData)
        resolve(m[1])
      }
    }
    stderr.on('data', onData)
    stderr.once('end', () => reject(new Error(`stderr ended before a Tink Link URL: ${text}`)))
  })
}
