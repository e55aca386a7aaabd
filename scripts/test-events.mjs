// A node:test reporter (`--test-reporter=./scripts/test-events.mjs`) writing one JSON object a
// line for each test and suite that ends: what scripts/test.mjs and the widget's runner count,
// instead of scraping the spec reporter's text (https://nodejs.org/docs/latest-v20.x/api/test.html#custom-reporters).
export default async function* testEvents(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, file, line, skip, todo, details } = event.data;
    const error = details?.error;
    yield JSON.stringify({
      status: event.type === 'test:pass' ? 'pass' : 'fail',
      name,
      nesting,
      file,
      line,
      // node:test reports a bare `skip: true` as true and `{ skip: 'why' }` as the reason.
      ...(skip === undefined || skip === false ? {} : { skip }),
      ...(todo === undefined || todo === false ? {} : { todo }),
      suite: details?.type === 'suite',
      durationMs: details?.duration_ms,
      ...(error ? { failureType: error.failureType, error: String(error.cause?.message ?? error.message).slice(0, 2000) } : {}),
    }) + '\n';
  }
}
