/**
 * Progress of a running job, written to the database without flooding it: an import
 * reports progress thousands of times, each write is a durable round trip. Values are
 * coalesced: at most one write every `intervalMs`, always the latest value, in order,
 * and `flush()` makes sure the last one has landed (before the job's result is written).
 */
export interface ProgressWriter<P> {
  set(value: P): void;
  flush(): Promise<void>;
  /** stops any pending write without writing it */
  cancel(): void;
}

export function progressWriter<P>(write: (value: P) => Promise<void>, intervalMs: number, onError: (error: unknown) => void): ProgressWriter<P> {
  let pending: { value: P } | null = null;
  let inFlight: Promise<void> | null = null;
  let lastWriteAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;

  const pump = (): void => {
    if (cancelled || inFlight || !pending) return;
    const wait = lastWriteAt + intervalMs - Date.now();
    if (wait > 0) {
      timer ??= setTimeout(() => {
        timer = undefined;
        pump();
      }, wait);
      return;
    }
    const { value } = pending;
    pending = null;
    lastWriteAt = Date.now();
    inFlight = write(value)
      .catch(onError)
      .finally(() => {
        inFlight = null;
        pump();
      });
  };

  return {
    set(value) {
      pending = { value };
      pump();
    },
    async flush() {
      clearTimeout(timer);
      timer = undefined;
      while (!cancelled && (inFlight || pending)) {
        if (inFlight) await inFlight;
        else {
          lastWriteAt = 0;
          pump();
        }
      }
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
      pending = null;
    },
  };
}
