// Preloaded by the test runners (`node --import ./scripts/test-timeouts.mjs --test ...`; node passes
// it on to each test file's process): gives every test and hook that sets no `timeout` of its own
// the one in ROOMCHAT_TEST_TIMEOUT_MS, so a promise that never settles fails its test instead of
// hanging the run. A test that legitimately takes longer says so: `test(name, { timeout: 120_000 }, fn)`.
//
// Why not `--test-timeout`: on Node 20 it bounds each test *file* as a whole (the file is one test
// of the parent runner), not each test; the runners pass it too, as a backstop for a file that
// never finishes. node:test has no other default, so `test`, `it` and the hooks are wrapped here.
// A side effect: node:test takes a test's reported location from its caller, which is now this
// file; failures still show the test's name and the stack of the failing assertion.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const timeout = Number(process.env.ROOMCHAT_TEST_TIMEOUT_MS);
if (Number.isFinite(timeout) && timeout > 0) {
  const nodeTest = createRequire(import.meta.url)('node:test');

  /** test(name, options?, fn?) with `timeout` added to options that do not set one. */
  const forTests = (original) =>
    Object.assign(function test(name, options, fn) {
      if (typeof name !== 'string') return original(name, options, fn); // test(fn) or test(options, fn): rare, left alone
      if (typeof options === 'function' || options === undefined) [options, fn] = [{}, options];
      return original(name, { timeout, ...options }, fn);
    }, original);
  /** before(fn, options?) and the other hooks alike. */
  const forHooks = (original) => (fn, options) => original(fn, { timeout, ...options });

  for (const name of ['test', 'it']) nodeTest[name] = forTests(nodeTest[name]);
  for (const name of ['before', 'after', 'beforeEach', 'afterEach']) nodeTest[name] = forHooks(nodeTest[name]);
  // `import { test } from 'node:test'` reads these bindings; make it see the wrapped ones.
  syncBuiltinESMExports();
}
