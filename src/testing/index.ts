/**
 * `dyno-ts/testing`: fault injection for tests of retry paths (throttling, partly processed
 * batches), at the client's request level. Public exports only.
 * @module
 */
export { injectFaults, type FaultOptions, type FaultStats, type Faults } from "./faults.js";
