export { Pool, type AnyOperation } from "./pool.js";
export type { PoolOptions, PoolLimits, AdaptiveOptions } from "./options.js";
