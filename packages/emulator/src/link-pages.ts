/**
 * Tink Link as the emulator serves it: the flows, the Demo Bank choices, and the HTML. Plain
 * server-rendered pages (no script, no external assets) so a browser, curl or a keyboard-only
 * user can complete a flow. Every value taken from the request goes through esc().
 */
export const BANK_CHOICES = [
  {value: 'demo-success', label: 'Demo Bank', hint: 'connects successfully'},
  {value: 'demo-cancel', label: 'Demo Bank (you cancel)', hint: 'you cancel at the bank'},
  {value: 'demo-auth-error', label: 'Demo Bank (wrong password)', hint: 'authentication at the bank fails'},
  {value: 'demo-temporary-error', label: 'Demo Bank (unavailable)', hint: 'the bank has a temporary error'},
] as const
export type BankChoice = (typeof BANK_CHOICES)[number]['value']
export const isBankChoice = (s: string | undefined): s is BankChoice => BANK_CHOICES.some((b) => b.value === s)

/** Loopback http URIs are registered for every emulator client, on any port and path. */
export function isLoopbackRedirect(uri: string): boolean {
  let u: URL
  try {
    u = new URL(uri)
  } catch {
    return false
  }
  return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]')
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
h1{font-size:1.4rem}fieldset{border:1px solid #888;border-radius:6px;padding:1rem}legend{font-weight:600;padding:0 .3rem}
label{display:block;padding:.4rem;border-radius:4px;cursor:pointer}label:hover{background:#eef}
input:focus-visible,button:focus-visible{outline:3px solid #1f5fbf;outline-offset:2px}
.hint{color:#555;font-size:.9rem}button{margin-top:1rem;font-size:1rem;padding:.5rem 1.2rem;background:#1f5fbf;color:#fff;border:0;border-radius:4px}
.error{border-left:4px solid #b00020;padding:.5rem 1rem;background:#fdecee}footer{margin-top:2rem;color:#555;font-size:.8rem}`

// theme=DARK (Tink Link web references: LIGHT or DARK): the same page in dark colours.
const DARK_STYLE = 'body{background:#121212;color:#eee}.hint{color:#bbb}label:hover{background:#223}footer{color:#aaa}.error{background:#3a1117}'

function page(lang: string, title: string, body: string, dark = false): string {
  return `<!DOCTYPE html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}${dark ? DARK_STYLE : ''}</style>
</head>
<body>
<main>
${body}
</main>
<footer>Tink Link served by the local Tink emulator: demo providers only, no real bank is contacted.</footer>
</body>
</html>
`
}

/** `en_US` -> `en`; anything unusable -> `en` (the page's own text is English). */
export const langOf = (locale: string | undefined): string => (locale && /^[a-z]{2}_[A-Z]{2}$/.test(locale) ? locale.slice(0, 2) : 'en')

export interface ChooserInput {
  flow: string
  /** Path and query the form posts back to, so every Link parameter survives unchanged. */
  action: string
  locale?: string
  idHint?: string
  dark?: boolean
  /** Shown above the form when the previous submission was incomplete. */
  problem?: string
}

export function renderChooser(input: ChooserInput): string {
  const title = `Connect your bank – Tink Link (${input.flow})`
  const who = input.idHint ? `<p>Signed in as <strong>${esc(input.idHint)}</strong>.</p>` : ''
  const problem = input.problem ? `<p class="error" role="alert">${esc(input.problem)}</p>` : ''
  const radios = BANK_CHOICES.map(
    (b, i) =>
      `<label for="bank-${i}"><input type="radio" id="bank-${i}" name="bank" value="${b.value}" required aria-describedby="bank-${i}-hint"> ${esc(b.label)} <span class="hint" id="bank-${i}-hint">(${esc(b.hint)})</span></label>`,
  ).join('\n')
  return page(
    langOf(input.locale),
    title,
    `<h1>Connect your bank</h1>
<p>Flow: <code>${esc(input.flow)}</code></p>
${who}${problem}<form method="post" action="${esc(input.action)}">
<fieldset>
<legend>Choose your bank</legend>
${radios}
</fieldset>
<button type="submit">Continue</button>
</form>`,
    input.dark,
  )
}

export interface ErrorPageInput {
  error: string
  reason: string
  message: string
  trackingId: string
  locale?: string
}

/** What Tink Link shows when it cannot send the user back (no usable redirect_uri or client). */
export function renderErrorPage(e: ErrorPageInput): string {
  return page(
    langOf(e.locale),
    `Error: ${e.reason} – Tink Link`,
    `<h1>Something went wrong</h1>
<div class="error" role="alert">
<p>${esc(e.message)}</p>
<dl><dt>error</dt><dd><code>${esc(e.error)}</code></dd><dt>error_reason</dt><dd><code>${esc(e.reason)}</code></dd><dt>tracking_id</dt><dd><code>${esc(e.trackingId)}</code></dd></dl>
</div>`,
  )
}
