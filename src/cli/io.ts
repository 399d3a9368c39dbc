/**
 * Writing lines to stdout with backpressure, and a reader that closed the pipe (`| head`) ending
 * the command quietly rather than as a failure.
 * @module
 */

/** The reader of stdout went away (EPIPE): the command stops, successfully. */
export class PipeClosed extends Error {
  override name = "PipeClosed";
}

/** Writes lines to a stream, waiting when its buffer is full. */
export class LineWriter {
  readonly #stream: NodeJS.WritableStream;
  #closed = false;

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") this.#closed = true;
      else throw error;
    });
  }

  /** Writes `line` and a newline; resolves when the stream can take more. */
  async write(line: string): Promise<void> {
    if (this.#closed) throw new PipeClosed();
    if (this.#stream.write(`${line}\n`)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#stream.off("drain", done);
        this.#stream.off("error", done);
        resolve();
      };
      this.#stream.on("drain", done);
      this.#stream.on("error", done);
    });
    if (this.#closed) throw new PipeClosed();
  }
}

/** What commands print to: data on `stdout`, the progress bar and messages on `stderr`. */
export interface Io {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
}
