// What the end-to-end tests share about the pages they drive.

/** Records CSP violations and page errors from the first script on. */
export async function watch(page) {
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Failed loads are checked where they matter (the stylesheet, below); scripts and CSP are not forgiven.
    // So are reconnection attempts made while the test has the page offline (seen on a loaded machine).
    const offline = message.text().startsWith('WebSocket connection to') && message.text().endsWith('net::ERR_INTERNET_DISCONNECTED');
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource') && !offline) problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  return problems;
}

/** A locator inside the widget's shadow root (playwright's CSS engine pierces open shadow roots). */
export const w = (page, selector) => page.locator(`chat-room ${selector}`);
