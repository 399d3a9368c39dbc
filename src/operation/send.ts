/**
 * The one seam between dyno-ts and the wire: the final handler that sends an SDK command.
 * Keep it the single place that calls `client.send`, so a leaner transport can replace it.
 * @module
 */
import type { Handler, OperationContext } from "./middleware.js";
import { commands, type OperationName, type OutputOf } from "./registry.js";

/** `meta` key under which the final handler counts the HTTP attempts it made (SDK retries included). */
export const ATTEMPTS_META = "dyno.attempts";

/** Sends `ctx.input` as the operation's SDK command, with the operation's abort signal. */
export const sendCommand: Handler = async <N extends OperationName>(ctx: OperationContext<N>) => {
  const Command = commands.get(ctx.operation)!;
  try {
    const output = (await ctx.client.send(new Command(ctx.input), {
      abortSignal: ctx.signal,
    })) as OutputOf<N>;
    countAttempts(ctx, (output as { $metadata?: { attempts?: number } }).$metadata?.attempts);
    return output;
  } catch (error) {
    countAttempts(ctx, (error as { $metadata?: { attempts?: number } })?.$metadata?.attempts);
    throw error;
  }
};

function countAttempts(ctx: OperationContext<any>, attempts: number | undefined): void {
  const so_far = (ctx.meta.get(ATTEMPTS_META) as number | undefined) ?? 0;
  ctx.meta.set(ATTEMPTS_META, so_far + (attempts ?? 1));
}
