/**
 * The key under which a client that is not an SDK client (a lean session's) carries the direct
 * transport's state for it (`DirectClientState`, or undefined when it sends everything through
 * the SDK): such a client gets no verdict on an SDK configuration.
 * @module
 */
export const directState: unique symbol = Symbol("dyno.directState");
