/**
 * The direct transport: data-plane operations sent by dyno-ts itself (SigV4, keep-alive
 * HTTP, the SDK's outputs and errors), chosen per session with `transport: "direct"`.
 * @module
 */
export { directOperations, directSender } from "./sender.js";
export { directSupport, type DirectSupport } from "./support.js";
