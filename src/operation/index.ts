export {
  Operation,
  type OperationState,
  type OperationResult,
  type OperationOptions,
} from "./operation.js";
export {
  compose,
  isOperation,
  type AnyMiddleware,
  type Handler,
  type Middleware,
  type OperationContext,
} from "./middleware.js";
export {
  operationNames,
  methodName,
  isOperationName,
  type OperationName,
  type InputOf,
  type OutputOf,
  type MethodName,
  type CommandOf,
} from "./registry.js";
export {
  wireHooksOf,
  installWireHooks,
  WIRE_HOOK_MIDDLEWARE,
  type AttemptPlan,
  type WireAnswer,
  type WireBody,
  type WireHooks,
} from "./wire-hooks.js";
