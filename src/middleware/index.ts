export {
  CACHE_HIT_META,
  cacheMiddleware,
  type CacheMiddleware,
  type CacheOptions,
} from "./cache.js";
export { logMiddleware, type LogEntry, type LogOptions, type Logger } from "./log.js";
export { metricsMiddleware, type MetricsOptions, type OperationMetrics } from "./metrics.js";
export {
  unmarshalInto,
  type ItemReadMiddleware,
  type ItemReadOperation,
} from "./unmarshal-into.js";
