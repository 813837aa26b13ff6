// Tink Link in a real browser: headless Debian Chromium (/usr/bin/chromium) driven by
// playwright-core (which never downloads a browser). A user opens the Link URL of a delegated
// grant, picks a Demo Bank and submits; the browser follows the 303 to a loopback callback
// server, whose received query is what the app would see. One flow is done with the keyboard
// only. Skipped when Chromium is absent, except under CI=true, where that is a failure
// (test/support/link-browser.js).
import {test, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {mkdirSync, statSync} from 'node:fs'
import {createServer} from 'node:http'
import {join} from 'node:path'

import {BUILTIN_CLIENT, startEmulator} from 'tink-emulator'
import {ROOT, tempDir} from '../helpers.js'
import {clientToken, createUser, delegatedCode} from '../support/emulator-http.js'
import {browserSkip, finishInBrowser, launchBrowser} from '../support/link-browser.js'

// The README's picture of the page is remade only when asked (TINK_UPDATE_README_IMAGES=1), so a
// test run leaves the work tree as it was.
const SCREENSHOT = process.env.TINK_UPDATE_README_IMAGES === '1' ? join(ROOT, 'docs', 'img', 'emulator-link.png') : join(tempDir('tink-screenshot-'), 'emulator-link.png')
const skip = browserSkip

let emu
let browser
let callback
/** Queries the callback server received, in order. */
const received = []

before(async () => {
  if (skip) return
  emu = await startEmulator({seed: 3})
  callback = createServer((req, res) => {
    const url = new URL(req.url, 'http://x')
    // The browser also asks for /favicon.ico; only the redirect target counts.
    if (url.pathname === '/callback') received.push(Object.fromEntries(url.searchParams))
    res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
    res.end('<!DOCTYPE html><html lang="en"><title>Callback</title><p>Back at the app.</p></html>')
  })
  await new Promise((resolve) => callback.listen(0, '127.0.0.1', resolve))
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await new Promise((resolve) => (callback ? callback.close(resolve) : resolve()))
  await emu?.close()
})

async function linkUrl(state) {
  const ct = await clientToken(emu)
  const userId = await createUser(emu, ct)
  const code = await delegatedCode(emu, ct, userId, {idHint: 'Jane Doe'})
  const q = new URLSearchParams({
    client_id: BUILTIN_CLIENT.id,
    redirect_uri: `http://127.0.0.1:${callback.address().port}/callback`,
    authorization_code: code,
    market: 'GB',
    locale: 'en_GB',
    state,
  })
  return `${emu.url}/1.0/transactions/connect-accounts?${q}`
}

/** Picks the bank labelled `choice` by mouse and returns what the callback received. */
async function throughBrowser(state, choice) {
  const before = received.length
  const {text} = await finishInBrowser(await linkUrl(state), {choice, browser})
  assert.equal(received.length, before + 1, 'the callback got exactly one request')
  assert.match(text, /Back at the app/)
  return received.at(-1)
}

test('Demo Bank, keyboard only: Tab to the bank list, arrow keys to choose, Enter submits; screenshot for the README', {skip}, async () => {
  const page = await browser.newPage({viewport: {width: 720, height: 640}})
  try {
    await page.goto(await linkUrl('kbd'))
    assert.equal(await page.getAttribute('html', 'lang'), 'en')
    assert.match(await page.title(), /Connect your bank/)
    // Labels are wired to their radios (a screen reader names each choice).
    assert.equal(await page.getByLabel(/^Demo Bank \(connects successfully\)|Demo Bank \(connects/).count(), 1)
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'bank-0', 'Tab reaches the first bank')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowUp')
    assert.equal(await page.isChecked('#bank-0'), true, 'arrow keys select within the group')
    mkdirSync(join(SCREENSHOT, '..'), {recursive: true})
    await page.screenshot({path: SCREENSHOT, fullPage: true})
    assert.ok(statSync(SCREENSHOT).size > 10_000, 'the screenshot shows the page')
    const before = received.length
    await Promise.all([page.waitForURL(/\/callback\?/), page.keyboard.press('Enter')])
    assert.equal(received.length, before + 1)
    const q = received.at(-1)
    assert.deepEqual(Object.keys(q).sort(), ['credentials_id', 'state'], 'continuous access: no code')
    assert.equal(q.state, 'kbd')
    assert.match(q.credentials_id, /^[0-9a-f]{32}$/)
  } finally {
    await page.close()
  }
})

test('each other Demo Bank, by mouse: cancel, authentication error, temporary error', {skip}, async () => {
  for (const [label, error] of [
    ['Demo Bank (you cancel)', 'USER_CANCELLED'],
    ['Demo Bank (wrong password)', 'AUTHENTICATION_ERROR'],
    ['Demo Bank (unavailable)', 'TEMPORARY_ERROR'],
  ]) {
    const q = await throughBrowser(error, label)
    assert.equal(q.error, error, JSON.stringify(q))
    assert.equal(q.state, error)
    assert.equal(q.provider_name, 'uk-demobank-open-banking-redirect')
    assert.ok(q.tracking_id && q.message, JSON.stringify(q))
  }
})

test('submitting with no bank chosen stays on the page (the browser requires a choice)', {skip}, async () => {
  const page = await browser.newPage()
  try {
    await page.goto(await linkUrl('none'))
    const before = received.length
    await page.getByRole('button', {name: 'Continue'}).click()
    await page.waitForTimeout(300)
    assert.match(page.url(), /\/1\.0\/transactions\/connect-accounts\?/)
    assert.equal(received.length, before, 'nothing reached the app')
  } finally {
    await page.close()
  }
})
