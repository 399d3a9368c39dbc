/**
 * The SDK's logger middleware for direct requests: after each command the client's `logger`
 * (unless it is the SDK's `NoOpLogger`) gets `info({ clientName, commandName, input, output,
 * metadata })`, or `error({ clientName, commandName, input, error, metadata })`, with the input
 * and output passed through the command's own sensitive-data filters.
 * @module
 */
import { commandClass, type OperationName } from "../operation/registry.js";

interface Logger {
  info?: (entry: object) => void;
  error?: (entry: object) => void;
  constructor?: { name?: string };
}

interface CommandContext {
  readonly clientName: string;
  readonly commandName: string;
  readonly inputFilterSensitiveLog: (input: unknown) => unknown;
  readonly outputFilterSensitiveLog: (output: unknown) => unknown;
}

const contexts = new Map<OperationName, CommandContext>();

/**
 * The names and filters the SDK's handler context holds for `operation`, read from the command
 * itself (its `resolveMiddleware` over a stack that only records the context), once.
 */
function contextOf(operation: OperationName, config: object): CommandContext {
  let context = contexts.get(operation);
  if (context) return context;
  const Command = commandClass(operation);
  let captured: CommandContext | undefined;
  const recorder = {
    concat: () => ({
      resolve: (handler: unknown, ctx: CommandContext) => ((captured = ctx), handler),
    }),
  };
  new Command({} as never).resolveMiddleware(recorder as never, config as never, undefined);
  const identity = (value: unknown) => value;
  context = {
    clientName: captured?.clientName ?? "DynamoDBClient",
    commandName: captured?.commandName ?? `${operation}Command`,
    inputFilterSensitiveLog: captured?.inputFilterSensitiveLog ?? identity,
    outputFilterSensitiveLog: captured?.outputFilterSensitiveLog ?? identity,
  };
  contexts.set(operation, context);
  return context;
}

/** The client's logger, when it is one the SDK would call with each command's outcome. */
export function commandLogger(config: { logger?: unknown }): Logger | undefined {
  const logger = config.logger as Logger | undefined;
  return logger && logger.constructor?.name !== "NoOpLogger" ? logger : undefined;
}

/** Logs a command's output as the SDK's logger middleware does. */
export function logOutput(
  logger: Logger,
  config: object,
  operation: OperationName,
  input: unknown,
  output: Record<string, unknown>,
): void {
  const context = contextOf(operation, config);
  const { $metadata, ...rest } = output;
  logger.info?.({
    clientName: context.clientName,
    commandName: context.commandName,
    input: context.inputFilterSensitiveLog(input),
    output: context.outputFilterSensitiveLog(rest),
    metadata: $metadata,
  });
}

/** Logs a command's failure as the SDK's logger middleware does. */
export function logError(
  logger: Logger | undefined,
  config: object,
  operation: OperationName,
  input: unknown,
  error: unknown,
): void {
  if (!logger?.error) return;
  const context = contextOf(operation, config);
  logger.error({
    clientName: context.clientName,
    commandName: context.commandName,
    input: context.inputFilterSensitiveLog(input),
    error,
    metadata: (error as { $metadata?: unknown } | null)?.$metadata,
  });
}
