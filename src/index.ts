export * from "./errors.js";
export * from "./session.js";
export * from "./encoding/index.js";
export * from "./expression/index.js";
export * from "./builders/index.js";
