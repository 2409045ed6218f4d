import type { ServerResponse } from 'node:http';

/** One Server-Sent Event (`data` is one line), encoded once so every stream that sends it shares the bytes. */
export const sseFrame = (event: string, data: string, id?: string): Buffer =>
  Buffer.from(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${data}\n\n`);

export interface SseWriterLimits {
  /** Bytes a stream may have waiting (in the process and in the socket's buffer) before it is closed. */
  maxBuffered: number;
  /** A stream whose socket has not drained for this long is closed. */
  stallMs: number;
}

/**
 * Writes one event stream at the pace its client reads. Frames go to the socket until it reports a full buffer,
 * then wait in a queue (shared Buffers, not copies) until it drains. A slow client is measured by what it fails
 * to drain over time, never by the size of one burst: the stream is closed when its socket has not drained for
 * `stallMs`, or when more than `maxBuffered` bytes wait for it (a generous cap, so a fast reader of the largest
 * burst is never closed). `onClose` runs once when the writer closes the stream (not when the client leaves).
 */
export class SseWriter {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private blocked = false;
  private stall?: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly res: ServerResponse,
    private readonly limits: SseWriterLimits,
    private readonly onClose: (reason: 'slow client' | 'stalled') => void,
  ) {
    res.once('close', () => this.stop());
  }

  /** Bytes waiting for this client. */
  get pending(): number {
    return this.queued + this.res.writableLength;
  }

  /** Nothing waits: the client has read everything written so far. */
  get idle(): boolean {
    return !this.blocked && this.res.writableLength === 0;
  }

  write(chunk: Buffer | string): void {
    if (this.closed || this.res.destroyed) return;
    if (this.blocked) {
      const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (this.pending + size > this.limits.maxBuffered) return this.close('slow client');
      this.queue.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      this.queued += size;
      return;
    }
    if (!this.res.write(chunk)) this.block();
  }

  /** Closes the stream at once (unsent data is dropped). */
  destroy(): void {
    this.stop();
    this.res.destroy();
  }

  /**
   * Ends the stream: gracefully when the socket took everything so far, cut when data waits for a socket that is
   * full (a slow reader must not hold a shutdown up).
   */
  end(): void {
    const waiting = this.blocked;
    this.stop();
    if (waiting) this.res.destroy();
    else this.res.end();
  }

  private block(): void {
    this.blocked = true;
    this.stall = setTimeout(() => this.close('stalled'), this.limits.stallMs);
    this.stall.unref();
    this.res.once('drain', () => this.drained());
  }

  private drained(): void {
    clearTimeout(this.stall);
    this.blocked = false;
    while (this.queue.length && !this.closed) {
      const chunk = this.queue.shift()!;
      this.queued -= chunk.length;
      if (!this.res.write(chunk)) return this.block();
    }
  }

  private close(reason: 'slow client' | 'stalled'): void {
    if (this.closed) return;
    this.destroy();
    this.onClose(reason);
  }

  private stop(): void {
    this.closed = true;
    clearTimeout(this.stall);
    this.queue.length = 0;
    this.queued = 0;
  }
}
