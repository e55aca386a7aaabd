/**
 * What Roomchat runs with in the benchmark, so that its limits do not refuse the load: every client
 * connects from 127.0.0.1, so the per-address budgets and caps are lifted with the per-connection
 * ones. run.mjs reports them with the results.
 */
export const BENCH_OVERRIDES = {
  messagesPerWindow: 1e9,
  messagesPerAddressPerWindow: 1e9,
  joinsPerWindow: 1e9,
  joinsPerAddressPerWindow: 1e9,
  connectionsPerAddress: 1e9,
  roomsPerConnection: 1e9,
  joinFailuresPerWindow: 1e9,
  roomCreatesPerWindow: 1e9,
};
