/**
 * Calls that follow something moving (the playhead, a pan): at most one in flight and one waiting,
 * the newest (older waiting ones are dropped), started on an animation frame. A slow answer never
 * builds a queue; the view shows the newest answer that has arrived.
 */
export interface Latest<A> {
  request(args: A): void;
  /** ignores answers still to come; call when the component goes */
  stop(): void;
}

export function latestOnly<A, R>(fetch: (args: A) => Promise<R>, onResult: (result: R, args: A) => void, onError: (err: unknown) => void): Latest<A> {
  let running = false;
  let stopped = false;
  let waiting: { args: A } | null = null;
  let frame = 0;

  function schedule(): void {
    if (frame || running || !waiting || stopped) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (running || !waiting || stopped) return;
      const { args } = waiting;
      waiting = null;
      running = true;
      fetch(args)
        .then(
          (result) => stopped || onResult(result, args),
          (err) => stopped || onError(err),
        )
        .finally(() => {
          running = false;
          schedule();
        });
    });
  }

  return {
    request(args) {
      waiting = { args };
      schedule();
    },
    stop() {
      stopped = true;
      cancelAnimationFrame(frame);
    },
  };
}
